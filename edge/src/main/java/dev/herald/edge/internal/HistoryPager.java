package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.herald.fanout.EventStore;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.fanout.HistoryRead;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.protocol.ResumeReason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one page of a channel's history for the HTTP history route, through the resume
 * machinery: from the local history when it holds every event after the position, otherwise by
 * scanning the channel's partition in the Kafka log with a reused reader ({@link LogReaders}).
 * Blocking; runs on resume workers, never on an I/O or the poll thread.
 *
 * <pre>
 * Bounds, so that a page of a channel that shares its partition with busy channels costs a
 * bounded amount of work however sparse the channel is:
 *   - at most `limit` events; from the local history at most `pageBytes` of frames past the
 *     first event, from the log the page ends with the event that takes it to `pageBytes`;
 *   - from the log, at most `maxScan` records of the partition (every channel's records count);
 *   - at most PAGE_TIMEOUT_MS of reading (what was read by then is the page).
 * A page stops at whichever bound comes first, and its `next` is the last offset it looked at,
 * whether or not an event of the channel sits there: a position names a point in the channel's
 * stream, and every event of the channel up to it is in this page or an earlier one. So the
 * client follows `next` until `more` is false, and gets every event once, in order.
 *
 * The end of a page read from the log is the partition's end offset when the page began (the
 * last stable offset: read_committed). A page from the local history ends where this edge's
 * consumer stands (its head), which trails the log's end by the edge's lag: `more` is false when
 * the page reached it.
 * </pre>
 *
 * <p>Thread-safe.
 */
final class HistoryPager {

    static final long PAGE_TIMEOUT_MS = 10_000;

    /**
     * One page.
     *
     * @param events   the channel's events in offset order (their frames, as the WebSocket sends them)
     * @param next     the offset the next page starts after: the last one this page covered
     * @param more     whether the partition holds records after {@code next} (as of this page)
     * @param refused  why no page can be read from the position asked ({@link ResumeReason#OFFSET_OUT_OF_RANGE}:
     *                 older than the log holds), or {@code null}
     * @param logStart the partition's first offset still in the log, when {@code refused}; else -1
     */
    record Page(List<StoredFrame> events, long next, boolean more, ResumeReason refused, long logStart) {

        static Page gone(long logStart) {
            return new Page(List.of(), -1, false, ResumeReason.OFFSET_OUT_OF_RANGE, logStart);
        }
    }

    private final ResumeReader reader;
    private final EventStore store;
    private final FanoutConsumer consumer;
    private final long pageBytes;
    private final int maxScan;

    /**
     * @param pageBytes most bytes of frames in a page past its first event
     * @param maxScan   most records of the partition one page reads from the log
     */
    HistoryPager(ResumeReader reader, FanoutConsumer consumer, long pageBytes, int maxScan) {
        this.reader = reader;
        this.store = reader.store();
        this.consumer = consumer;
        this.pageBytes = pageBytes;
        this.maxScan = maxScan;
    }

    /**
     * The page of {@code channel}'s events after {@code afterOffset} of {@code partition}.
     *
     * @throws RuntimeException when the log cannot be read now (nothing was read before the page's deadline)
     */
    Page after(String channel, int partition, long afterOffset, int limit) {
        long head = consumer.nextOffset(partition) - 1; // before the store: everything up to it is stored by then
        HistoryRead stored = store.history(channel, partition, afterOffset, limit, pageBytes);
        if (!stored.complete()) {
            return fromLog(channel, partition, afterOffset, false, limit);
        }
        List<StoredFrame> events = stored.frames();
        long last = events.isEmpty() ? afterOffset : events.get(events.size() - 1).offset();
        // fewer than the limit: the byte bound cut the page, or the history has no more (one more key tells which)
        boolean more = events.size() == limit || !store.history(channel, partition, last, 1).frames().isEmpty();
        return new Page(events, more ? last : Math.max(last, head), more, null, -1);
    }

    /** The page of {@code channel}'s events from the oldest record {@code partition} still holds. */
    Page fromStart(String channel, int partition, int limit) {
        return fromLog(channel, partition, -1, true, limit);
    }

    private Page fromLog(String channel, int partition, long afterOffset, boolean fromStart, int limit) {
        byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        TopicPartition tp = new TopicPartition(reader.topic(), partition);
        KafkaConsumer<byte[], byte[]> log = reader.readers().borrow();
        boolean healthy = false;
        try {
            log.assign(List.of(tp));
            long begin = log.beginningOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long end = log.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long after = fromStart ? begin - 1 : afterOffset;
            if (after + 1 < begin) {
                healthy = true;
                return Page.gone(begin);
            }
            if (after + 1 >= end) {
                healthy = true;
                return new Page(List.of(), after, false, null, -1);
            }
            log.seek(tp, after + 1);
            Page page = scan(log, tp, key, after, end, limit);
            healthy = true;
            return page;
        } finally {
            reader.readers().giveBack(log, healthy);
        }
    }

    /** Reads from {@code after + 1} towards {@code end} until a bound stops it (see the class comment). */
    private Page scan(KafkaConsumer<byte[], byte[]> log, TopicPartition tp, byte[] key, long after, long end, int limit) {
        List<StoredFrame> events = new ArrayList<>();
        long covered = after;
        long bytes = 0;
        int scanned = 0;
        long deadline = System.nanoTime() + PAGE_TIMEOUT_MS * 1_000_000L;
        scanning:
        while (covered < end - 1 && scanned < maxScan) {
            if (System.nanoTime() > deadline) {
                if (covered == after) {
                    throw new IllegalStateException("reading partition " + tp.partition() + " after offset " + after + " took over "
                            + PAGE_TIMEOUT_MS + " ms without a record");
                }
                break;
            }
            ConsumerRecords<byte[], byte[]> polled = log.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> rec : polled.records(tp)) {
                if (rec.offset() >= end) {
                    covered = end - 1;
                    break scanning;
                }
                scanned++;
                covered = rec.offset();
                if (Arrays.equals(key, rec.key())) {
                    StoredFrame f = reader.frame(rec);
                    if (f != null) {
                        events.add(f);
                        bytes += f.frame().length;
                    }
                }
                if (events.size() >= limit || bytes >= pageBytes || scanned >= maxScan) {
                    break scanning;
                }
            }
            // the whole poll was looked at: the position is past it (and past any transaction markers)
            covered = Math.max(covered, Math.min(log.position(tp), end) - 1);
        }
        return new Page(events, covered, covered < end - 1, null, -1);
    }
}
