package dev.herald.ingest.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.LogControl;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Appends events, and control records ({@link LogControl}), to the Kafka log through one idempotent
 * producer with {@code acks=all}.
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

    /**
     * Appends a control record of {@code channel} (see {@link LogControl}): key = the channel, so it
     * goes to the channel's partition, in order with its events; an empty value; the control header
     * alone, so no reader takes it for an event. The future completes once every in-sync replica
     * has it, and fails as {@link #append}'s does. Blocks as {@link #append} may.
     */
    CompletableFuture<Void> appendControl(String channel, LogControl control) {
        HeaderField h = control.header();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, channel.getBytes(StandardCharsets.UTF_8), new byte[0],
                List.of(new RecordHeader(h.key(), h.value())));
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            producer.send(record, (meta, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(null);
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
