package dev.herald.streams.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.LogControl;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.Position;
import dev.herald.schemas.RecordMapping;
import dev.herald.schemas.RetainedEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each record of the log as an edge does ({@link RecordMapping}): an event of any producer
 * (with or without {@code ce_} headers) goes on as a {@link LogEntry} with its partition and
 * offset; a {@link LogControl#CLEAR_LATEST} record goes on as a clear; a malformed record (no key,
 * a key that is no channel, an unreadable header) and a control record of an unknown kind are
 * counted and dropped, never stopping the partition. The key (the channel, UTF-8) is kept, so the
 * records downstream stay in the log's partitioning and need no repartition topic.
 *
 * <p>One instance per task, on its stream thread.
 */
public final class LogRecordReader implements FixedKeyProcessor<byte[], byte[], LogEntry> {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecordReader.class);

    private final Supplier<Epoch> epoch;
    private final TopologyMeters meters;
    private FixedKeyProcessorContext<byte[], LogEntry> context;

    /** A reader that gives each retained event the log's epoch as {@code epoch} says it is now. */
    public LogRecordReader(Supplier<Epoch> epoch, TopologyMeters meters) {
        this.epoch = epoch;
        this.meters = meters;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], LogEntry> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow(() -> new IllegalStateException("a log record without its metadata"));
        List<HeaderField> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(new HeaderField(h.key(), h.value()));
        }
        LogControl control = LogControl.of(headers);
        if (control != null) {
            control(record, control, meta);
            return;
        }
        Event event;
        try {
            event = RecordMapping.event(record.key(), record.value(), headers, meta.partition(), meta.offset(), record.timestamp());
        } catch (MalformedRecordException e) {
            meters.malformed();
            LOG.debug("skipping malformed record: {}", e.getMessage());
            return;
        }
        Epoch current = epoch.get();
        if (meta.partition() >= current.partitionCount()) {
            // partitions were added to the log since the epoch was last read (EpochWatch reads it again)
            meters.malformed();
            LOG.warn("record at {}/{} is in a partition the log's epoch as last read ({} partitions) does not have; not retained",
                    meta.partition(), meta.offset(), current.partitionCount());
            return;
        }
        meters.event(event.payload().length);
        context.forward(record.withValue(new LogEntry(new RetainedEvent(event, new Position(current, meta.partition(), meta.offset())))));
    }

    private void control(FixedKeyRecord<byte[], byte[]> record, LogControl control, RecordMetadata meta) {
        String channel = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (control != LogControl.CLEAR_LATEST || channel == null || ChannelName.violation(channel) != null) {
            meters.malformed();
            LOG.debug("skipping control record at {}/{}: {} for key {}", meta.partition(), meta.offset(), control, channel);
            return;
        }
        meters.clear();
        context.forward(record.withValue(LogEntry.clear()));
    }
}
