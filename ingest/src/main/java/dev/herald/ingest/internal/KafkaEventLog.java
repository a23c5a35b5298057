package dev.herald.ingest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Appends events to the Kafka log through one idempotent producer with {@code acks=all}.
 *
 * <p>The future of {@link #append} completes only when every in-sync replica has the record;
 * it fails when the producer gives up (after {@code delivery.timeout.ms}). A failed future says
 * nothing about whether the record reached the log, so callers answer 503, never 201.
 *
 * <p>Thread-safe: the Kafka producer is.
 */
public final class KafkaEventLog implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Supplier<Epoch> epoch;

    KafkaEventLog(Producer<byte[], byte[]> producer, String topic, Supplier<Epoch> epoch) {
        this.producer = producer;
        this.topic = topic;
        this.epoch = epoch;
    }

    /**
     * Sends {@code event} to the log. May block a worker thread for up to {@code max.block.ms}
     * when the producer's buffer is full or metadata is missing; never call it on an I/O thread.
     */
    CompletableFuture<Published> append(Event event) {
        List<Header> headers = new ArrayList<>(6);
        for (HeaderField h : RecordMapping.headers(event)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, event.time().toEpochMilli(),
                RecordMapping.key(event), event.payload(), headers);
        CompletableFuture<Published> result = new CompletableFuture<>();
        try {
            producer.send(record, (meta, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                    return;
                }
                try {
                    String position = PositionCodec.encode(new Position(epoch.get(), meta.partition(), meta.offset()));
                    result.complete(new Published(event.id(), event.channel(), position, meta.partition(), meta.offset()));
                } catch (RuntimeException e) {
                    // The record is in the log, but its epoch is not known yet (partitions just added).
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        producer.close();
    }
}
