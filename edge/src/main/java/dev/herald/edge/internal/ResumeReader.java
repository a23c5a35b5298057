package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.fanout.EventStore;
import dev.herald.fanout.HistoryRead;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a subscriber missed in one channel after an offset: from the local history when it
 * holds all of it, otherwise from the Kafka log by seeking the channel's partition. Blocking;
 * runs on resume workers, never on an I/O or the poll thread.
 */
final class ResumeReader {

    /** Why a resume could not recover, as told to the client. */
    static final String OFFSET_OUT_OF_RANGE = "offset-out-of-range";
    static final String TOO_FAR_BEHIND = "too-far-behind";

    /**
     * What was read.
     *
     * @param frames the missed events in offset order, or empty
     * @param reason why they are not all of them, or {@code null} when they are
     */
    record Missed(List<StoredFrame> frames, String reason) {
    }

    private final EventStore store;
    private final Map<String, Object> consumerProps;
    private final String topic;
    private final Epoch epoch;
    private final Clock clock;
    private final int maxEvents;

    ResumeReader(EventStore store, String bootstrapServers, Map<String, Object> kafkaOverrides, String topic, Epoch epoch,
                 Clock clock, int maxEvents) {
        this.store = store;
        this.topic = topic;
        this.epoch = epoch;
        this.clock = clock;
        this.maxEvents = maxEvents;
        this.consumerProps = new HashMap<>(kafkaOverrides);
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    }

    /** The events of {@code channel} after {@code afterOffset} up to the log's end now. */
    Missed read(String channel, int partition, long afterOffset) {
        HistoryRead local = store.history(channel, partition, afterOffset, maxEvents + 1);
        if (local.complete()) {
            return local.frames().size() > maxEvents ? new Missed(List.of(), TOO_FAR_BEHIND) : new Missed(local.frames(), null);
        }
        return readLog(channel, partition, afterOffset);
    }

    private Missed readLog(String channel, int partition, long afterOffset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        List<StoredFrame> frames = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            if (afterOffset + 1 < begin) {
                return new Missed(List.of(), OFFSET_OUT_OF_RANGE);
            }
            consumer.seek(tp, afterOffset + 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading partition " + partition + " to offset " + end + " took over 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (rec.offset() >= end || !java.util.Arrays.equals(key, rec.key())) {
                        continue;
                    }
                    StoredFrame f = frame(rec);
                    if (f != null) {
                        if (frames.size() == maxEvents) {
                            return new Missed(List.of(), TOO_FAR_BEHIND);
                        }
                        frames.add(f);
                    }
                }
            }
        }
        return new Missed(frames, null);
    }

    /** The frame of a replayed record, or {@code null} if it is malformed or a duplicate the live path dropped. */
    private StoredFrame frame(ConsumerRecord<byte[], byte[]> rec) {
        List<HeaderField> headers = new ArrayList<>();
        for (Header h : rec.headers()) {
            headers.add(new HeaderField(h.key(), h.value()));
        }
        Event event;
        try {
            event = RecordMapping.event(rec.key(), rec.value(), headers, rec.partition(), rec.offset(), rec.timestamp());
        } catch (MalformedRecordException e) {
            return null;
        }
        long[] first = store.firstSeen(event.id(), clock.millis());
        if (first != null && (first[0] != rec.partition() || first[1] != rec.offset())) {
            return null;
        }
        byte[] frame = FrameCodec.eventFrame(event, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())));
        return new StoredFrame(rec.partition(), rec.offset(), frame);
    }
}
