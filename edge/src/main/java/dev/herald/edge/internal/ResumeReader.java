package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
import dev.herald.schemas.LogControl;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import dev.herald.schemas.protocol.ResumeReason;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads what a subscriber missed in one channel after an offset, page by page: from the local
 * history when it holds all of it, otherwise from the Kafka log by seeking the channel's
 * partition with one of a bounded set of reused consumers ({@link LogReaders}). Blocking; runs
 * on resume workers, never on an I/O or the poll thread.
 *
 * <p>Bounds: a page from history holds at most {@value #PAGE_EVENTS} events and, past its first
 * event, {@code pageBytes} bytes; a page from the log stops after the poll that takes it to
 * {@value #PAGE_EVENTS} events or past {@code pageBytes} (a poll holds at most
 * {@value #PAGE_EVENTS} records and the reader's fetch size); so a replay holds about one page in
 * memory however long it is. A log read is refused up front
 * ({@link ResumeReason#TOO_FAR_BEHIND}) when the partition holds more than {@code maxRecords}
 * records after the position, since it would have to scan them all; a page that takes over
 * {@value #PAGE_TIMEOUT_MS} ms to read, or a position that retention deletes during the replay,
 * fails it (the subscriber then resumes, and is told {@link ResumeReason#OFFSET_OUT_OF_RANGE} if
 * so).
 *
 * <p>A replay ends at the head of the partition when it was opened: the events after it reach
 * the subscriber as live events, buffered by its cursor meanwhile (see {@link ChannelCursor}).
 */
final class ResumeReader implements AutoCloseable {

    static final int PAGE_EVENTS = 256;
    static final long PAGE_TIMEOUT_MS = 30_000;

    /** The missed events of one resume, read a page at a time. Used by one thread. */
    interface Replay extends AutoCloseable {

        /** Why the missed events cannot all be replayed (nothing is), or {@code null} when they follow. */
        ResumeReason reason();

        /**
         * The next missed events in offset order, or an empty list when there are no more.
         *
         * @throws IllegalStateException if they cannot be read now (the replay must be abandoned)
         */
        List<StoredFrame> next();

        @Override
        void close();
    }

    private final EventStore store;
    private final LogReaders readers;
    private final LogTimeIndex timeIndex;
    private final String topic;
    private final Epoch epoch;
    private final Clock clock;
    private final long maxRecords;
    private final long pageBytes;

    /**
     * @param readers    most log readers open at a time (one per resume worker)
     * @param maxRecords most records of a partition a resume reads from the log
     * @param pageBytes  most bytes of a page past its first event
     */
    ResumeReader(EventStore store, String bootstrapServers, Map<String, Object> kafkaOverrides, String topic, Epoch epoch,
                 Clock clock, int readers, long maxRecords, long pageBytes) {
        this.store = store;
        this.topic = topic;
        this.epoch = epoch;
        this.clock = clock;
        this.maxRecords = maxRecords;
        this.pageBytes = pageBytes;
        Map<String, Object> props = new HashMap<>(kafkaOverrides);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, PAGE_EVENTS);
        // a position that retention deleted during the replay must fail it, never jump silently to the end
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // a fetch holds at most this much per reader (more only for a single larger record batch)
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(pageBytes, 1 << 20)));
        this.readers = new LogReaders(props, readers);
        this.timeIndex = new LogTimeIndex(this.readers, topic);
    }

    /** Log readers open now. */
    int openLogReaders() {
        return readers.open();
    }

    /**
     * Opens the replay of the events of {@code channel} after {@code afterOffset} up to the
     * partition's head now ({@code headOffset}: the last offset the edge has handed off, or -1).
     */
    Replay open(String channel, int partition, long afterOffset, long headOffset) {
        if (store.history(channel, partition, afterOffset, 1).complete()) {
            return new HistoryReplay(channel, partition, afterOffset, headOffset);
        }
        return new LogReplay(channel, partition, afterOffset);
    }

    /**
     * Where a resume of {@code partition} from {@code time} starts, by the partition's time index
     * (see {@link LogTimeIndex}): the offset to {@linkplain #open replay after}, or why nothing can be.
     *
     * @throws RuntimeException when the log cannot be asked now
     */
    LogTimeIndex.Start startAt(int partition, Instant time) {
        return timeIndex.startAt(partition, time);
    }

    /** The reused log readers, for other reads of the log on the resume workers (the history route's pages). */
    LogReaders readers() {
        return readers;
    }

    /** The log's topic. */
    String topic() {
        return topic;
    }

    /** The local store. */
    EventStore store() {
        return store;
    }

    @Override
    public void close() {
        readers.close();
    }

    /** A replay from the local history; if a page finds the history trimmed past it meanwhile, it goes on from the log. */
    private final class HistoryReplay implements Replay {
        private final String channel;
        private final int partition;
        private final long headOffset;
        private long after;
        private LogReplay log;

        HistoryReplay(String channel, int partition, long afterOffset, long headOffset) {
            this.channel = channel;
            this.partition = partition;
            this.after = afterOffset;
            this.headOffset = headOffset;
        }

        @Override
        public ResumeReason reason() {
            return null;
        }

        @Override
        public List<StoredFrame> next() {
            if (log != null) {
                return log.next();
            }
            if (after >= headOffset) {
                return List.of();
            }
            HistoryRead read = store.history(channel, partition, after, PAGE_EVENTS, pageBytes);
            if (!read.complete()) {
                log = new LogReplay(channel, partition, after);
                if (log.reason() != null) {
                    throw new IllegalStateException("the history of " + channel + " was trimmed during its replay and the log cannot "
                            + "serve the rest: " + log.reason().wire());
                }
                return log.next();
            }
            List<StoredFrame> page = read.frames();
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).offset();
            }
            return page;
        }

        @Override
        public void close() {
            if (log != null) {
                log.close();
            }
        }
    }

    /** A replay read from the channel's partition in the log, filtered by key, with a borrowed consumer. */
    private final class LogReplay implements Replay {
        private final byte[] key;
        private final TopicPartition tp;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final ResumeReason reason;
        private long end;
        private boolean healthy = true;

        LogReplay(String channel, int partition, long afterOffset) {
            this.key = channel.getBytes(StandardCharsets.UTF_8);
            this.tp = new TopicPartition(topic, partition);
            this.consumer = readers.borrow();
            ResumeReason why;
            try {
                consumer.assign(List.of(tp));
                long begin = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
                end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
                if (afterOffset + 1 < begin) {
                    why = ResumeReason.OFFSET_OUT_OF_RANGE;
                } else if (end - (afterOffset + 1) > maxRecords) {
                    why = ResumeReason.TOO_FAR_BEHIND;
                } else {
                    why = null;
                    consumer.seek(tp, afterOffset + 1);
                }
            } catch (RuntimeException e) {
                healthy = false;
                close();
                throw e;
            }
            this.reason = why;
        }

        @Override
        public ResumeReason reason() {
            return reason;
        }

        @Override
        public List<StoredFrame> next() {
            if (reason != null) {
                return List.of();
            }
            List<StoredFrame> frames = new ArrayList<>();
            long bytes = 0;
            long deadline = System.nanoTime() + PAGE_TIMEOUT_MS * 1_000_000L;
            try {
                while (bytes <= pageBytes && frames.size() < PAGE_EVENTS && consumer.position(tp) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("reading partition " + tp.partition() + " towards offset " + end + " took over "
                                + PAGE_TIMEOUT_MS + " ms for one page");
                    }
                    for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                        if (rec.offset() >= end || !Arrays.equals(key, rec.key())) {
                            continue;
                        }
                        StoredFrame f = frame(rec);
                        if (f != null) {
                            frames.add(f);
                            bytes += f.frame().length;
                        }
                    }
                }
            } catch (RuntimeException e) {
                healthy = false;
                throw e;
            }
            return frames;
        }

        @Override
        public void close() {
            readers.giveBack(consumer, healthy);
        }
    }

    /**
     * The frame of a replayed record, or {@code null} if it is malformed, a control record (no event:
     * the live path skips it too) or a duplicate the live path dropped.
     */
    StoredFrame frame(ConsumerRecord<byte[], byte[]> rec) {
        List<HeaderField> headers = new ArrayList<>();
        for (Header h : rec.headers()) {
            headers.add(new HeaderField(h.key(), h.value()));
        }
        if (LogControl.isControl(headers)) {
            return null;
        }
        Event event;
        try {
            event = RecordMapping.event(rec.key(), rec.value(), headers, rec.partition(), rec.offset(), rec.timestamp());
        } catch (MalformedRecordException e) {
            return null;
        }
        long[] first = store.firstSeen(event.channel(), event.id(), clock.millis());
        if (first != null && (first[0] != rec.partition() || first[1] != rec.offset())) {
            return null;
        }
        byte[] frame = FrameCodec.eventFrame(event, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())));
        return new StoredFrame(rec.partition(), rec.offset(), frame);
    }
}
