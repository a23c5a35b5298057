package dev.herald.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads one channel's events straight from the log: the channel's partition (where Kafka's
 * default partitioner puts its key), its records filtered by key, each mapped to its event and
 * position exactly as an edge maps it ({@link RecordMapping}, {@link PositionCodec}).
 *
 * <p>It reads with a consumer of no group, by assign and seek: it commits nothing, and no
 * consumer group appears on the cluster. A record of the channel that does not map to an event
 * (an unreadable {@code ce_} header) is skipped with a note, as an edge skips it; a start older
 * than the log's (retention passed it) is noted, not skipped in silence.
 *
 * <p>Not thread-safe: one command's thread uses it, then closes it.
 */
final class ChannelTail implements AutoCloseable {

    /** An {@code until} offset that never comes: read on until interrupted. */
    static final long FOLLOW = Long.MAX_VALUE;
    private static final Duration POLL = Duration.ofMillis(200);
    /** The first window {@link #startOfLast} reads back from the end; each further one is twice as long. */
    private static final long FIRST_WINDOW = 256;

    private final LogCluster cluster;
    private final String channel;
    private final byte[] key;
    private final Epoch epoch;
    private final TopicPartition tp;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<String> notes;

    /**
     * @param notes where to say what the reader skipped or could not find (a line each, for stderr)
     * @throws InvalidInputException if {@code channel} is no channel name
     * @throws IllegalStateException if the topic does not exist or the cluster does not answer
     */
    ChannelTail(LogCluster cluster, String topic, String channel, Consumer<String> notes) {
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            throw new InvalidInputException("'" + channel + "' is no channel name: " + violation);
        }
        this.cluster = cluster;
        this.channel = channel;
        this.key = channel.getBytes(StandardCharsets.UTF_8);
        this.notes = notes;
        this.epoch = cluster.epoch(topic);
        this.tp = new TopicPartition(topic, FanoutConsumer.partitionOf(channel, epoch.partitionCount()));
        this.consumer = cluster.plainConsumer("herald-tail");
        consumer.assign(List.of(tp));
    }

    /** The log's epoch. */
    Epoch epoch() {
        return epoch;
    }

    /** The channel's partition. */
    int partition() {
        return tp.partition();
    }

    /** The partition's end now: the offset the next committed record will get. */
    long end() {
        return offsets(consumer.endOffsets(List.of(tp)));
    }

    private long beginning() {
        return offsets(consumer.beginningOffsets(List.of(tp)));
    }

    private long offsets(Map<TopicPartition, Long> offsets) {
        return offsets.get(tp);
    }

    /**
     * The offset to read from for {@code start}, at most {@code end}.
     *
     * @throws InvalidInputException if a position is of another log (epoch) or another partition
     */
    long startOffset(TailStart start, long end) {
        try {
            if (start instanceof TailStart.After after) {
                return Math.min(after(after.position()), end);
            }
            if (start instanceof TailStart.At at) {
                var found = consumer.offsetsForTimes(Map.of(tp, at.time().toEpochMilli())).get(tp);
                return found == null ? end : Math.min(found.offset(), end);
            }
            if (start instanceof TailStart.Last last) {
                return startOfLast(last.count(), end);
            }
            return Math.min(beginning(), end);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw cluster.unreachable("partition " + tp, e);
        }
    }

    private long after(Position position) {
        if (!position.epoch().equals(epoch)) {
            throw new InvalidInputException("the position is of another log than " + tp.topic() + " now (the topic was re-created "
                    + "or re-partitioned since): its offsets mean nothing here; start with --since TIME instead");
        }
        if (position.partition() != tp.partition()) {
            throw new InvalidInputException("the position is in partition " + position.partition() + ", and channel " + channel
                    + " is in partition " + tp.partition() + ": it is a position of another channel");
        }
        return position.offset() + 1;
    }

    /**
     * The offset of the channel's {@code count}-th last record before {@code end}, or the log's
     * start if it has fewer. It reads back from the end in windows that double, so that a busy
     * partition is not read whole for a channel that is in it often.
     */
    private long startOfLast(int count, long end) {
        if (count == 0) {
            return end;
        }
        long begin = beginning();
        Deque<Long> newest = new ArrayDeque<>(); // offsets of the channel's records, oldest first, at most count
        long hi = end;
        long window = FIRST_WINDOW;
        while (hi > begin) {
            long lo = Math.max(begin, hi - window);
            List<Long> found = new ArrayList<>();
            scan(lo, hi, r -> found.add(r.offset()));
            for (int i = found.size() - 1; i >= 0 && newest.size() < count; i--) {
                newest.addFirst(found.get(i));
            }
            if (newest.size() == count) {
                return newest.peekFirst();
            }
            hi = lo;
            window = Math.min(window * 2, 1L << 20);
        }
        return begin;
    }

    /**
     * Hands the channel's events from offset {@code from} to before {@code until} to {@code sink},
     * in order; with {@code until} {@link #FOLLOW}, reads on until the thread is interrupted. A
     * record stamped before {@code notBeforeMs} is left out: record timestamps need not grow with
     * offsets (a producer sets them), so a start found by time can be followed by older records.
     *
     * @throws IllegalStateException if the partition yields nothing for the cluster's timeout
     *                               before {@code until} is reached
     */
    void read(long from, long until, long notBeforeMs, Consumer<TailedEvent> sink) {
        long begin = beginning();
        if (from < begin) {
            notes.accept("the log of partition " + tp.partition() + " starts at offset " + begin + " now; the events of " + channel
                    + " before it are gone (retention)");
            from = begin;
        }
        scan(from, until, r -> {
            if (r.timestamp() < notBeforeMs) {
                return;
            }
            Event event;
            try {
                event = RecordMapping.event(r.key(), r.value(), headers(r), r.partition(), r.offset(), r.timestamp());
            } catch (MalformedRecordException e) {
                notes.accept("skipped: " + e.getMessage() + " (an edge skips it too)");
                return;
            }
            sink.accept(new TailedEvent(event, r.partition(), r.offset(), PositionCodec.encode(new Position(epoch, r.partition(), r.offset()))));
        });
    }

    /** Hands the channel's records in [from, until) to {@code each}. */
    private void scan(long from, long until, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        consumer.seek(tp, from);
        long position = from;
        long progressAt = System.nanoTime();
        try {
            while (position < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= until) {
                        return;
                    }
                    if (Arrays.equals(r.key(), key)) {
                        each.accept(r);
                    }
                }
                long now = consumer.position(tp);
                if (now > position) {
                    position = now;
                    progressAt = System.nanoTime();
                } else if (until != FOLLOW && System.nanoTime() - progressAt > cluster.timeout().toNanos()) {
                    throw new IllegalStateException("partition " + tp + " gave no records from offset " + position + " within "
                            + cluster.timeout().toSeconds() + " s, though the log reaches " + until + ": is its leader up?");
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw cluster.unreachable("partition " + tp, e);
        }
    }

    private static List<HeaderField> headers(ConsumerRecord<byte[], byte[]> r) {
        List<HeaderField> fields = new ArrayList<>();
        for (Header h : r.headers()) {
            fields.add(new HeaderField(h.key(), h.value()));
        }
        return fields;
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
