package dev.herald.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * number the connection's current socket has already brought is a <em>repeat</em>. A connection
 * may get new sockets ({@link WsLoad#connect}): a number an earlier socket of the connection
 * brought is a <em>redelivery</em>, which at-least-once delivery allows but an exact resume does
 * not cause. With {@code resumable}, each connection's last position per channel is kept (from
 * its event frames, or its first {@code subscribed} answer before any event), to subscribe anew
 * with {@code since} ({@link #resumeFrom}); answers with {@code "recovered":false} are counted. Several publishers may be in flight
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
    private static final byte[] EVENT = "{\"op\":\"event\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "\"channel\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POSITION = "\"position\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_RECOVERED = "\"recovered\":false".getBytes(StandardCharsets.US_ASCII);
    /** Latencies above this (one minute) are recorded as this. */
    private static final long MAX_LATENCY_NS = 60_000_000_000L;

    /** Per connection, the numbers any of its sockets brought. */
    private final BitSet[] seen;
    /** Per connection, the numbers its current socket brought. */
    private final BitSet[] seenBySocket;
    /** Per connection, channel to last position; {@code null} unless resumable. */
    private final List<Map<String, String>> positions;
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
    private final LongAdder redeliveries = new LongAdder();
    private final LongAdder fresh = new LongAdder();
    /** Fresh receipts of events numbered {@link #measuredFrom} or later. */
    private final LongAdder freshMeasured = new LongAdder();
    private volatile long measuredFrom = Long.MAX_VALUE;
    private final LongAdder notRecovered = new LongAdder();

    /** @param connections the most connections the load will open */
    FanoutReceipts(int connections) {
        this(connections, false);
    }

    /**
     * @param connections the most connections the load will open
     * @param resumable   whether to keep each connection's positions, for {@link #resumeFrom}
     */
    FanoutReceipts(int connections, boolean resumable) {
        subscribedBy = new AtomicIntegerArray(connections);
        seen = new BitSet[connections];
        seenBySocket = new BitSet[connections];
        for (int i = 0; i < connections; i++) {
            seen[i] = new BitSet();
            seenBySocket[i] = seen[i];
        }
        positions = resumable ? new ArrayList<>(connections) : null;
        for (int i = 0; resumable && i < connections; i++) {
            positions.add(new HashMap<>());
        }
    }

    @Override
    public void onOpen(int connection) {
        if (seenBySocket[connection] == seen[connection] && seen[connection].isEmpty()) {
            return; // the first socket: both sets are one until it brings something
        }
        seenBySocket[connection] = new BitSet();
    }

    /**
     * The position {@code connection} should resume {@code channel} from, or {@code null} if it
     * has none yet (or positions are not kept). Call on the connection's thread (as the load's
     * first-frames function is).
     */
    String resumeFrom(int connection, String channel) {
        return positions == null ? null : positions.get(connection).get(channel);
    }

    @Override
    public void onText(int connection, ByteBuffer payload, long receivedNanos) {
        int t = indexOf(payload, STAMP, 0);
        if (t < 0) {
            if (startsWith(payload, SUBSCRIBED)) {
                subscribed.increment();
                subscribedBy.incrementAndGet(connection);
                if (indexOf(payload, NOT_RECOVERED, 0) >= 0) {
                    notRecovered.increment();
                }
                if (positions != null) {
                    // a live subscribe's "now": where to resume if no event comes before the socket ends
                    String channel = field(payload, CHANNEL, 0);
                    String position = field(payload, POSITION, 0);
                    if (channel != null && position != null) {
                        positions.get(connection).putIfAbsent(channel, position);
                    }
                }
            }
            return;
        }
        if (positions != null && startsWith(payload, EVENT)) {
            String channel = field(payload, CHANNEL, 0);
            String position = field(payload, POSITION, 0);
            if (channel != null && position != null) {
                positions.get(connection).put(channel, position);
            }
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
        BitSet bySocket = seenBySocket[connection];
        if (bySocket.get(s)) {
            repeats.increment();
            return;
        }
        bySocket.set(s);
        BitSet got = seen[connection];
        if (got != bySocket) {
            if (got.get(s)) {
                redeliveries.increment();
                return;
            }
            got.set(s);
        }
        fresh.increment();
        if (sequence >= measuredFrom) {
            freshMeasured.increment();
        }
    }

    /**
     * From now on, {@link #freshMeasured} counts the fresh receipts of events numbered
     * {@code sequence} or later, and only those: what a measurement that starts with that event
     * waits for. Receipts of earlier events still on their way when it starts (a loaded server may
     * be seconds behind) must not stand in for the measured ones.
     */
    void measureFrom(long sequence) {
        freshMeasured.reset();
        measuredFrom = sequence;
    }

    /** Fresh receipts of the events since {@link #measureFrom}. */
    long freshMeasured() {
        return freshMeasured.sum();
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

    /** Up to {@code limit} numbers from {@code from} to {@code to} (exclusive) that {@code connection} has not received. */
    List<Long> missing(int connection, long from, long to, int limit) {
        List<Long> gaps = new ArrayList<>();
        for (int n = seen[connection].nextClearBit((int) from); n < to && gaps.size() < limit;
             n = seen[connection].nextClearBit(n + 1)) {
            gaps.add((long) n);
        }
        return gaps;
    }

    /** Events received by all connections so far, repeats included. */
    long received() {
        return received.sum();
    }

    /** Events a socket brought again (a number the same socket had already brought). */
    long repeats() {
        return repeats.sum();
    }

    /** Events a connection's socket brought that an earlier socket of the same connection had brought. */
    long redeliveries() {
        return redeliveries.sum();
    }

    /** Events a connection received for the first time, over all connections. */
    long fresh() {
        return fresh.sum();
    }

    /** {@code subscribed} answers with {@code "recovered":false}: resumes refused, each with a reason. */
    long notRecovered() {
        return notRecovered.sum();
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

    /** The string value after {@code key} (which ends with its opening quote), or {@code null}; no escapes expected. */
    private static String field(ByteBuffer b, byte[] key, int from) {
        int at = indexOf(b, key, from);
        if (at < 0) {
            return null;
        }
        int start = at + key.length;
        int end = start;
        while (end < b.limit() && b.get(end) != '"') {
            end++;
        }
        byte[] value = new byte[end - start];
        b.get(start, value);
        return new String(value, StandardCharsets.UTF_8);
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
