package dev.herald.streams.internal;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The event time of a log record, as edges show it ({@code ts}): its {@code ce_time} header, else
 * the record's timestamp (ingest stamps records with the event's time, so the two agree for
 * Herald's own events). A record with neither (a negative timestamp) takes the partition's time,
 * so it is counted in the newest window instead of failing the task. Metering windows follow it.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Header time = record.headers().lastHeader(RecordMapping.TIME);
        if (time != null && time.value() != null) {
            try {
                return Instant.parse(new String(time.value(), StandardCharsets.UTF_8)).toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                // unreadable: an edge skips such an event (malformed); the record's own time serves here
            }
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
