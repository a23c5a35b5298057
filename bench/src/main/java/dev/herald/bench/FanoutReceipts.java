package dev.herald.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers of a fanout run received: for each connection which events and how many
 * times, and for all of them the publish-to-receipt latency, read from the payloads that
 * {@link FanoutPublisher} writes ({@code {"t":<due nanos>,"n":<sequence>,…}}).
 *
 * <p>Every connection is expected to see every event published after it subscribed, once: a
 * number a connection has already seen is a <em>repeat</em>. Several publishers may be in flight
 * at once, so the log (and so each subscriber) may order neighbouring numbers differently from
 * their numbering; order on a connection is the edge tests' business, not this count's. Each
 * event's first receipt on any connection is also kept apart ({@link #takeFirstLatency}). Frames
 * without a timestamp are not events: {@code subscribed} answers are counted, others ignored.
 * Thread-safe: the load's threads call {@link #onText} (each connection always on the same
 * thread), the benchmark reads the counters.
 */
final class FanoutReceipts implements WsLoad.Listener {

    private static final byte[] STAMP = "{\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQUENCE = ",\"n\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED = "{\"op\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    /** Latencies above this (one minute) are recorded as this. */
    private static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final BitSet[] seen;
    /** Events numbered from here on are left out of {@link #takeFirstLatency} (a run publishes far fewer). */
    static final int FIRST_RECEIPTS_TRACKED = 1 << 21;

    private final Recorder latency = new Recorder(MAX_LATENCY_NS, 3);
    private final Recorder firstLatency = new Recorder(MAX_LATENCY_NS, 3);
    /** Which event numbers some connection has received: 1 once the first receipt is recorded. */
    private final AtomicIntegerArray firstSeen = new AtomicIntegerArray(FIRST_RECEIPTS_TRACKED);
    private final LongAdder subscribed = new LongAdder();
    private final AtomicIntegerArray subscribedBy;
    private final LongAdder received = new LongAdder();
    private final LongAdder repeats = new LongAdder();

    /** @param connections the most connections the load will open */
    FanoutReceipts(int connections) {
        subscribedBy = new AtomicIntegerArray(connections);
        seen = new BitSet[connections];
        for (int i = 0; i < connections; i++) {
            seen[i] = new BitSet();
        }
    }

    @Override
    public void onText(int connection, ByteBuffer payload, long receivedNanos) {
        int t = indexOf(payload, STAMP, 0);
        if (t < 0) {
            if (startsWith(payload, SUBSCRIBED)) {
                subscribed.increment();
                subscribedBy.incrementAndGet(connection);
            }
            return;
        }
        int n = indexOf(payload, SEQUENCE, t);
        if (n < 0) {
            return;
        }
        long due = number(payload, t + STAMP.length);
        long sequence = number(payload, n + SEQUENCE.length);
        long took = Math.min(MAX_LATENCY_NS, Math.max(0, receivedNanos - due));
        latency.recordValue(took);
        int s = (int) sequence;
        if (sequence < FIRST_RECEIPTS_TRACKED && firstSeen.get(s) == 0 && firstSeen.compareAndSet(s, 0, 1)) {
            firstLatency.recordValue(took);
        }
        received.increment();
        BitSet got = seen[connection];
        if (got.get((int) sequence)) {
            repeats.increment();
        } else {
            got.set((int) sequence);
        }
    }

    /** {@code subscribed} answers received so far. */
    long subscribed() {
        return subscribed.sum();
    }

    /** {@code subscribed} answers {@code connection} received so far. */
    int subscribedBy(int connection) {
        return subscribedBy.get(connection);
    }

    /**
     * How many distinct events numbered {@code from} to {@code to} (exclusive) {@code connection}
     * has received. Read it once the load is quiet: the connection's thread writes the set.
     */
    int distinct(int connection, long from, long to) {
        return seen[connection].get((int) from, (int) to).cardinality();
    }

    /** Events received by all connections so far, repeats included. */
    long received() {
        return received.sum();
    }

    /** Events a connection received again (at or below a number it had already seen). */
    long repeats() {
        return repeats.sum();
    }

    /** The latencies recorded since the previous call (or since the start), which this call forgets. */
    Histogram takeLatency() {
        return latency.getIntervalHistogram();
    }

    /**
     * Like {@link #takeLatency}, but only each event's first receipt on any connection: the path
     * from publish through Kafka and the edge to one subscriber, without the wait for the edge to
     * write to the others.
     */
    Histogram takeFirstLatency() {
        return firstLatency.getIntervalHistogram();
    }

    private static boolean startsWith(ByteBuffer b, byte[] what) {
        if (b.limit() < what.length) {
            return false;
        }
        for (int j = 0; j < what.length; j++) {
            if (b.get(j) != what[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer b, byte[] what, int from) {
        int end = b.limit() - what.length;
        outer:
        for (int i = from; i <= end; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b.get(i + j) != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long number(ByteBuffer b, int at) {
        boolean negative = b.get(at) == '-';
        long value = 0;
        for (int i = negative ? at + 1 : at; i < b.limit(); i++) {
            byte c = b.get(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }
}
