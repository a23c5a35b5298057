package dev.herald.fanout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads ranges of the log with a consumer of its own, assigned to their partitions (no group, so
 * nothing is committed and the edge's own consumer is not disturbed), a poll at a time: each
 * {@link #next} returns the records of one poll that lie in their range and, with a channel
 * given, carry that channel as their key, decoded into events (a malformed record has none).
 *
 * <p>A range that retention deletes while it is read fails the read ({@link IllegalStateException}
 * naming the partition), never a silent skip; so does a poll that brings nothing for
 * {@code stallTimeout} while records are owed. Memory: one poll of at most {@code maxPollRecords}
 * records and {@code fetchMaxBytes} bytes.
 *
 * <p>One thread at a time; not thread-safe, except {@link #offsetsRead} and {@link #offsetsTotal},
 * which any thread may read.
 */
public final class LogRangeReader implements AutoCloseable {

    /** A record of a range: its event ({@code null} when the record is malformed), partition and offset. */
    public record LogRecord(Event event, int partition, long offset) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final byte[] channelKey;
    private final Map<TopicPartition, ReplayRange> open = new HashMap<>();
    private final Duration stallTimeout;
    private final long total;
    /** Offsets passed so far, all ranges together; written by the reading thread. */
    private volatile long read;
    /** Offsets of the ranges already read to their end. */
    private long closedRanges;
    private long lastProgressNanos = System.nanoTime();

    /**
     * @param clientProps   Kafka client settings: {@code bootstrap.servers} and any security settings
     * @param topic         the log topic
     * @param ranges        the ranges to read; empty ones are skipped
     * @param channel       the one channel to return, or {@code null} for every record
     * @param maxPollRecords most records of one poll
     * @param stallTimeout  how long a poll may bring nothing while records are owed
     */
    public LogRangeReader(Map<String, Object> clientProps, String topic, List<ReplayRange> ranges, String channel, int maxPollRecords,
                          Duration stallTimeout) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a range that retention deletes meanwhile fails the replay instead of jumping elsewhere
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "herald-replay-reader");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.channelKey = channel == null ? null : channel.getBytes(StandardCharsets.UTF_8);
        this.stallTimeout = stallTimeout;
        long sum = 0;
        for (ReplayRange r : ranges) {
            sum += r.offsets();
            if (r.offsets() > 0) {
                open.put(new TopicPartition(topic, r.partition()), r);
            }
        }
        this.total = sum;
        try {
            consumer.assign(open.keySet());
            open.forEach((tp, r) -> consumer.seek(tp, r.fromOffset()));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Whether every range is read. */
    public boolean done() {
        return open.isEmpty();
    }

    /** Offsets of the ranges passed so far (read, filtered out or skipped), all ranges together. Thread-safe. */
    public long offsetsRead() {
        return read;
    }

    /** Offsets in all ranges together. Thread-safe. */
    public long offsetsTotal() {
        return total;
    }

    /**
     * The records of the next poll within their ranges (and of the channel, if one was given), in
     * offset order per partition; possibly none while the ranges are not {@link #done}.
     *
     * @throws IllegalStateException if a range is no longer in the log, or nothing came for the stall timeout
     */
    public List<LogRecord> next() {
        if (open.isEmpty()) {
            return List.of();
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(200));
        } catch (OffsetOutOfRangeException e) {
            throw new IllegalStateException("the log no longer holds the replay's range in partition(s) "
                    + e.offsetOutOfRangePartitions().keySet().stream().map(TopicPartition::partition).sorted().toList()
                    + " (retention deleted records while they were read); plan the replay again", e);
        }
        List<LogRecord> out = new ArrayList<>(records.count());
        for (TopicPartition tp : records.partitions()) {
            ReplayRange range = open.get(tp);
            if (range == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
                if (rec.offset() >= range.toOffset() || rec.offset() < range.fromOffset()) {
                    continue;
                }
                if (channelKey != null && !Arrays.equals(channelKey, rec.key())) {
                    continue;
                }
                out.add(new LogRecord(decode(rec), rec.partition(), rec.offset()));
            }
        }
        long passed = 0;
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            long position = Math.min(consumer.position(e.getKey()), e.getValue().toOffset());
            passed += position - e.getValue().fromOffset();
            if (position >= e.getValue().toOffset()) {
                consumer.pause(List.of(e.getKey()));
                it.remove();
                closedRanges += e.getValue().offsets();
            }
        }
        long nowRead = closedRanges + passed;
        long now = System.nanoTime();
        if (nowRead > read || open.isEmpty()) {
            lastProgressNanos = now;
        } else if (now - lastProgressNanos > stallTimeout.toNanos()) {
            throw new IllegalStateException("the replay read nothing for " + stallTimeout.toSeconds() + " s with " + (total - nowRead)
                    + " offsets still to read in partition(s) " + open.values().stream().map(ReplayRange::toString).toList());
        }
        read = nowRead;
        return out;
    }

    private static Event decode(ConsumerRecord<byte[], byte[]> rec) {
        List<HeaderField> headers = new ArrayList<>();
        for (Header h : rec.headers()) {
            headers.add(new HeaderField(h.key(), h.value()));
        }
        try {
            return RecordMapping.event(rec.key(), rec.value(), headers, rec.partition(), rec.offset(), rec.timestamp());
        } catch (MalformedRecordException e) {
            return null;
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
