package dev.herald.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One channel, one publisher and many WebSocket subscribers on one edge: the fanout load of
 * {@code bench edge} and {@code bench auth}, with or without tokens ({@link BenchTokens}).
 *
 * <p>Opening subscribes every connection ({@link WsLoad}, in steps of {@link #OPEN_STEP} so that
 * the edge's accept backlog is never overrun) and waits for every {@code subscribed} answer. Each
 * measurement publishes through ingest ({@link #PUBLISHERS} {@link FanoutPublisher}s), then waits until
 * every subscriber has every accepted event or {@link #DRAIN_TIMEOUT} passes, and reports what arrived
 * ({@link FanoutReceipts}). Ephemeral events may be lost by design, so for them the wait also
 * ends once nothing has arrived for {@link #QUIET_TIMEOUT} after the last publish. Measurements run one after another; each counts only its own events.
 * Bounded in count and time; traffic only to the given loopback addresses. Not thread-safe.
 */
final class FanoutRun implements AutoCloseable {

    /** Connections opened at a time. */
    static final int OPEN_STEP = 1_000;
    private static final long OPEN_TIMEOUT_MS = 60_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** An ephemeral run's wait for stragglers ends after this long without a receipt. */
    static final Duration QUIET_TIMEOUT = Duration.ofSeconds(2);
    /** A windowed run gives up when its subscribers receive nothing for this long. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOAD_THREADS = 2;
    /**
     * Publishing connections, each with a thread: one POST at a time on one connection would make
     * the publisher the bottleneck (each waits for Kafka's acknowledgement), and a slow answer would
     * hold back every event after it.
     */
    static final int PUBLISHERS = 8;

    private final int subscribers;
    private final FanoutPublisher.Durability durability;
    private final FanoutReceipts receipts;
    private final WsLoad load;
    private final List<FanoutPublisher> publishers;
    private final double openSeconds;
    private final AtomicLong next = new AtomicLong();

    private FanoutRun(int subscribers, FanoutPublisher.Durability durability, FanoutReceipts receipts, WsLoad load,
                      List<FanoutPublisher> publishers, double openSeconds) {
        this.subscribers = subscribers;
        this.durability = durability;
        this.receipts = receipts;
        this.load = load;
        this.publishers = publishers;
        this.openSeconds = openSeconds;
    }

    /**
     * Opens {@code subscribers} WebSocket connections to the edge, each subscribed to
     * {@code channel}, and publishers to ingest of events of the given durability.
     *
     * @throws IllegalStateException if not every connection is upgraded and subscribed in time
     */
    static FanoutRun open(InetSocketAddress edge, String ingestUrl, String channel, int subscribers, int payloadBytes,
                          FanoutPublisher.Durability durability) throws IOException, InterruptedException {
        return open(edge, ingestUrl, channel, subscribers, payloadBytes, durability, BenchTokens.off());
    }

    /**
     * Like {@link #open(InetSocketAddress, String, String, int, int, FanoutPublisher.Durability)},
     * with {@code tokens}: subscriber {@code i}'s upgrade request carries its own token, every
     * publish the publishers' one (with tokens off, none).
     */
    static FanoutRun open(InetSocketAddress edge, String ingestUrl, String channel, int subscribers, int payloadBytes,
                          FanoutPublisher.Durability durability, BenchTokens tokens) throws IOException, InterruptedException {
        FanoutReceipts receipts = new FanoutReceipts(subscribers);
        String subscribe = "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}";
        WsLoad load = new WsLoad(edge, WsDialect.HERALD, LOAD_THREADS, i -> List.of(subscribe), tokens::subscriber, receipts);
        try {
            long start = System.nanoTime();
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
                Thread.sleep(1);
            }
            if (receipts.subscribed() < subscribers) {
                throw new IllegalStateException("only " + receipts.subscribed() + " of " + subscribers + " connections were subscribed");
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            List<FanoutPublisher> publishers = new ArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                publishers.add(new FanoutPublisher(ingestUrl, channel, payloadBytes, durability, tokens.publisher()));
            }
            return new FanoutRun(subscribers, durability, receipts, load, publishers, openSeconds);
        } catch (IOException | InterruptedException | RuntimeException e) {
            load.close();
            throw e;
        }
    }

    /**
     * Open loop: publishes {@code rate} events per second for {@code duration}, each stamped with
     * its due time, so a late publish counts against its latency (no coordinated omission). The
     * publishers take due events in order; one that is still waiting for an answer leaves the next
     * event to another.
     */
    FanoutResult atRate(int rate, Duration duration) throws IOException, InterruptedException {
        Mark mark = new Mark();
        long count = Math.max(1, rate * duration.toSeconds());
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        long first = next.get();
        long start = System.nanoTime();
        runPublishers(publisher -> {
            for (long n; (n = next.getAndIncrement()) < first + count; ) {
                long due = start + (n - first) * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                publisher.publish(n, due);
            }
        });
        next.set(first + count);
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
        long first = next.get();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicLong seenAtProgress = new AtomicLong();
        AtomicLong claimed = new AtomicLong(first);
        runPublishers(publisher -> {
            while (System.nanoTime() < end) {
                long n = claimed.getAndIncrement();
                long due = (n - first - window) * subscribers;
                while (mark.receivedSince() < due) {
                    LockSupport.parkNanos(20_000);
                    long seen = mark.receivedSince();
                    if (seenAtProgress.getAndSet(seen) != seen) {
                        lastProgress.set(System.nanoTime());
                    } else if (System.nanoTime() - lastProgress.get() > STALL_TIMEOUT.toNanos()) {
                        throw new IllegalStateException("subscribers received nothing for " + STALL_TIMEOUT.toSeconds()
                                + " s; " + load.closed() + " connections closed");
                    }
                }
                publisher.publish(n, System.nanoTime());
            }
        });
        next.set(claimed.get());
        return mark.result(start, System.nanoTime());
    }

    private void runPublishers(FanoutPublisher.Loop loop) throws IOException, InterruptedException {
        FanoutPublisher.runEach(publishers, loop);
    }

    /**
     * Seconds from the first connection's start to the last {@code subscribed} answer, while
     * opening: connecting, upgrading (with the token checked, if any) and subscribing every
     * connection, {@link #OPEN_STEP} at a time.
     */
    double openSeconds() {
        return openSeconds;
    }

    /** Connections the edge closed (or that failed) so far. */
    int closed() {
        return load.closed();
    }

    @Override
    public void close() throws IOException {
        try {
            for (FanoutPublisher p : publishers) {
                p.close();
            }
        } finally {
            load.close();
        }
    }

    /** Publishes not accepted (201 durable, 202 ephemeral), all publishers together. */
    private long failed() {
        return publishers.stream().mapToLong(FanoutPublisher::failed).sum();
    }

    /** The counters at the start of a measurement, and its result once it is delivered. */
    private final class Mark {
        final long firstSequence = next.get();
        final long failed = failed();
        final long received = receipts.received();
        final long repeats = receipts.repeats();

        Mark() {
            receipts.takeLatency(); // forget what came before
            receipts.takeFirstLatency();
        }

        long receivedSince() {
            return receipts.received() - received;
        }

        /** Waits until every subscriber has every event published since the mark, then counts. */
        FanoutResult result(long start, long publishEnd) throws InterruptedException {
            long sent = next.get() - firstSequence;
            long failedNow = failed() - failed;
            long published = sent - failedNow;
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            long lastReceipt = System.nanoTime(); // at or after publishEnd
            long seen = receivedSince();
            long quiet = durability == FanoutPublisher.Durability.EPHEMERAL ? QUIET_TIMEOUT.toNanos() : Long.MAX_VALUE;
            while (seen - (receipts.repeats() - repeats) < published * subscribers && System.nanoTime() < deadline
                    && System.nanoTime() - lastReceipt < quiet) {
                Thread.sleep(1);
                long now = receivedSince();
                if (now != seen) {
                    seen = now;
                    lastReceipt = System.nanoTime();
                }
            }
            long repeated = receipts.repeats() - repeats;
            long missing = Math.max(0, published * subscribers - (seen - repeated));
            double seconds = (Math.max(lastReceipt, publishEnd) - start) / 1e9;
            return new FanoutResult(subscribers, published, failedNow, seen, repeated, missing, seconds,
                    sent / ((publishEnd - start) / 1e9), LatencySummary.of(receipts.takeLatency()),
                    LatencySummary.of(receipts.takeFirstLatency()));
        }
    }
}
