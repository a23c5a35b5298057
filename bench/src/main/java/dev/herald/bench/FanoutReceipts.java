package dev.herald.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers of a fanout run received: for each connection the events in order, their
 * repeats and gaps, and for all of them the publish-to-receipt latency, read from the payloads
 * that {@link FanoutPublisher} writes ({@code {"t":<due nanos>,"n":<sequence>,…}}).
 *
 * <p>Every connection is expected to see every event from the first one published after it
 * subscribed, once and in sequence: an event numbered at or below the last one a connection saw is
 * a <em>repeat</em>, one that skips numbers leaves a <em>gap</em> of the numbers skipped. Frames
 * without a timestamp are not events: {@code subscribed} answers are counted, others ignored. Thread-safe: the load's threads
 * call {@link #onText}, the benchmark reads.
 */
final class FanoutReceipts implements WsLoad.Listener {

    private static final byte[] STAMP = "{\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQUENCE = ",\"n\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED = "{\"op\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    /** Latencies above this (one minute) are recorded as this. */
    private static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final AtomicLongArray last;
    private final Recorder latency = new Recorder(MAX_LATENCY_NS, 3);
    private final LongAdder subscribed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder repeats = new LongAdder();
    private final LongAdder missing = new LongAdder();

    /** @param connections the most connections the load will open */
    FanoutReceipts(int connections) {
        last = new AtomicLongArray(connections);
        for (int i = 0; i < connections; i++) {
            last.set(i, -1);
        }
    }

    @Override
    public void onText(int connection, ByteBuffer payload, long receivedNanos) {
        int t = indexOf(payload, STAMP, 0);
        if (t < 0) {
            if (startsWith(payload, SUBSCRIBED)) {
                subscribed.increment();
            }
            return;
        }
        int n = indexOf(payload, SEQUENCE, t);
        if (n < 0) {
            return;
        }
        long due = number(payload, t + STAMP.length);
        long sequence = number(payload, n + SEQUENCE.length);
        latency.recordValue(Math.min(MAX_LATENCY_NS, Math.max(0, receivedNanos - due)));
        received.increment();
        long previous = last.get(connection);
        if (sequence <= previous) {
            repeats.increment();
            return;
        }
        if (previous >= 0 && sequence > previous + 1) {
            missing.add(sequence - previous - 1);
        }
        last.set(connection, sequence);
    }

    /** {@code subscribed} answers received so far. */
    long subscribed() {
        return subscribed.sum();
    }

    /** Events received by all connections so far, repeats included. */
    long received() {
        return received.sum();
    }

    /** Events a connection received again (at or below a number it had already seen). */
    long repeats() {
        return repeats.sum();
    }

    /** Numbers skipped between two events a connection received. */
    long missing() {
        return missing.sum();
    }

    /** The highest event number connection {@code i} has received, or -1. */
    long lastSequence(int connection) {
        return last.get(connection);
    }

    /** The latencies recorded since the previous call (or since the start), which this call forgets. */
    Histogram takeLatency() {
        return latency.getIntervalHistogram();
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
