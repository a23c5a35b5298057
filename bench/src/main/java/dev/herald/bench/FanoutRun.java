package dev.herald.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One channel, one publisher and many WebSocket subscribers on one edge: the fanout load of
 * {@code bench edge}.
 *
 * <p>Opening subscribes every connection ({@link WsLoad}, in steps of {@link #OPEN_STEP} so that
 * the edge's accept backlog is never overrun) and waits for every {@code subscribed} answer. Each
 * measurement publishes through ingest ({@link FanoutPublisher}), then waits until every subscriber
 * has every acknowledged event or {@link #DRAIN_TIMEOUT} passes, and reports what arrived
 * ({@link FanoutReceipts}). Measurements run one after another; each counts only its own events.
 * Bounded in count and time; traffic only to the given loopback addresses. Not thread-safe.
 */
final class FanoutRun implements AutoCloseable {

    /** Connections opened at a time. */
    static final int OPEN_STEP = 1_000;
    private static final long OPEN_TIMEOUT_MS = 60_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** A windowed run gives up when its subscribers receive nothing for this long. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOAD_THREADS = 2;

    private final int subscribers;
    private final FanoutReceipts receipts;
    private final WsLoad load;
    private final FanoutPublisher publisher;
    private long next;

    private FanoutRun(int subscribers, FanoutReceipts receipts, WsLoad load, FanoutPublisher publisher) {
        this.subscribers = subscribers;
        this.receipts = receipts;
        this.load = load;
        this.publisher = publisher;
    }

    /**
     * Opens {@code subscribers} WebSocket connections to the edge, each subscribed to
     * {@code channel}, and a publisher to ingest.
     *
     * @throws IllegalStateException if not every connection is upgraded and subscribed in time
     */
    static FanoutRun open(InetSocketAddress edge, String ingestUrl, String channel, int subscribers, int payloadBytes)
            throws IOException, InterruptedException {
        FanoutReceipts receipts = new FanoutReceipts(subscribers);
        String subscribe = "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}";
        WsLoad load = new WsLoad(edge, "/v1/ws", LOAD_THREADS, i -> subscribe, receipts);
        try {
            for (int opened = 0; opened < subscribers; opened += OPEN_STEP) {
                int step = Math.min(OPEN_STEP, subscribers - opened);
                int upgraded = load.open(step, OPEN_TIMEOUT_MS);
                if (upgraded < opened + step) {
                    throw new IllegalStateException("only " + upgraded + " of " + (opened + step)
                            + " WebSocket connections were upgraded within " + OPEN_TIMEOUT_MS / 1000 + " s ("
                            + load.closed() + " closed)");
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_TIMEOUT_MS);
            while (receipts.subscribed() < subscribers && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (receipts.subscribed() < subscribers) {
                throw new IllegalStateException("only " + receipts.subscribed() + " of " + subscribers + " connections were subscribed");
            }
            return new FanoutRun(subscribers, receipts, load, new FanoutPublisher(ingestUrl, channel, payloadBytes));
        } catch (IOException | InterruptedException | RuntimeException e) {
            load.close();
            throw e;
        }
    }

    /**
     * Open loop: publishes {@code rate} events per second for {@code duration}, each stamped with
     * its due time, so a late publish counts against its latency (no coordinated omission).
     */
    FanoutResult atRate(int rate, Duration duration) throws IOException, InterruptedException {
        Mark mark = new Mark();
        long count = Math.max(1, rate * duration.toSeconds());
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * intervalNs;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            publisher.publish(next++, due);
        }
        return mark.result(start, System.nanoTime());
    }

    /**
     * Closed loop: publishes as fast as the subscribers receive, keeping at most {@code window}
     * events not yet received by all of them, for {@code duration}. The deliveries per second it
     * reaches is what the edge sustains without any subscriber falling behind.
     *
     * @throws IllegalStateException if the subscribers stop receiving for {@link #STALL_TIMEOUT}
     */
    FanoutResult windowed(int window, Duration duration) throws IOException, InterruptedException {
        Mark mark = new Mark();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long first = next;
        while (System.nanoTime() < end) {
            long due = (next - first - window) * subscribers;
            long lastProgress = System.nanoTime();
            long seen = mark.receivedSince();
            while (seen < due) {
                LockSupport.parkNanos(20_000);
                long now = mark.receivedSince();
                if (now != seen) {
                    seen = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("subscribers received nothing for " + STALL_TIMEOUT.toSeconds()
                            + " s; " + load.closed() + " connections closed");
                }
            }
            publisher.publish(next++, System.nanoTime());
        }
        return mark.result(start, System.nanoTime());
    }

    /** Connections the edge closed (or that failed) so far. */
    int closed() {
        return load.closed();
    }

    @Override
    public void close() throws IOException {
        try {
            publisher.close();
        } finally {
            load.close();
        }
    }

    /** The counters at the start of a measurement, and its result once it is delivered. */
    private final class Mark {
        final long firstSequence = next;
        final long failed = publisher.failed();
        final long received = receipts.received();
        final long repeats = receipts.repeats();
        final long gaps = receipts.missing();

        Mark() {
            receipts.takeLatency(); // forget what came before
        }

        long receivedSince() {
            return receipts.received() - received;
        }

        /** Waits until every subscriber has every event published since the mark, then counts. */
        FanoutResult result(long start, long publishEnd) throws InterruptedException {
            long failedNow = publisher.failed() - failed;
            long published = next - firstSequence - failedNow;
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            long lastReceipt = System.nanoTime();
            long seen = receivedSince();
            while (seen < published * subscribers && System.nanoTime() < deadline) {
                Thread.sleep(1);
                long now = receivedSince();
                if (now != seen) {
                    seen = now;
                    lastReceipt = System.nanoTime();
                }
            }
            long tail = 0;
            for (int i = 0; i < subscribers; i++) {
                tail += Math.max(0, (next - 1) - Math.max(receipts.lastSequence(i), firstSequence - 1));
            }
            double seconds = (Math.max(lastReceipt, publishEnd) - start) / 1e9;
            return new FanoutResult(subscribers, published, failedNow, seen, receipts.repeats() - repeats,
                    receipts.missing() - gaps + tail, seconds, (next - firstSequence) / ((publishEnd - start) / 1e9),
                    LatencySummary.of(receipts.takeLatency()));
        }
    }
}
