package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A scenario's clients: {@code subscribers} WebSocket connections spread over the cluster's edges
 * ({@link WsLoad}, each subscribed to its channels), and {@link #PUBLISHERS} publishers sending
 * numbered, timestamped events through ingest at a fixed rate, event {@code n} to channel
 * {@code n % channels}.
 *
 * <p>A run ({@link #run}) publishes for the warm-up and then for the measurement, waits until
 * every connected subscriber has every accepted event of its channels (or until nothing has
 * arrived for {@link #QUIET_TIMEOUT}), and counts, per connection, which of the measured events
 * arrived. A subscriber is <em>connected</em> if its connection was upgraded and got a
 * {@code subscribed} answer for each of its channels within {@link #OPEN_TIMEOUT_MS}; only connected
 * subscribers are expected to receive. Bounded in count and time; traffic only to the cluster's
 * loopback addresses. Not thread-safe.
 */
final class ScenarioLoad implements AutoCloseable {

    static final int PUBLISHERS = 32;
    private static final int LOAD_THREADS = 2;
    private static final int OPEN_STEP = 1_000;
    private static final long OPEN_TIMEOUT_MS = 60_000;
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long QUIET_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    private final ScenarioSettings settings;
    private final HeraldCluster cluster;
    private final FanoutReceipts receipts;
    private final WsLoad load;
    private final List<FanoutPublisher> publishers = new ArrayList<>();
    private final AtomicLong next = new AtomicLong();

    private ScenarioLoad(ScenarioSettings settings, HeraldCluster cluster) throws IOException {
        this.settings = settings;
        this.cluster = cluster;
        this.receipts = new FanoutReceipts(settings.subscribers());
        this.load = new WsLoad(cluster.edgeAddress(0), "/v1/ws", LOAD_THREADS, this::subscribes, receipts);
    }

    /** Connects and subscribes every subscriber, and opens the publishers. */
    static ScenarioLoad open(ScenarioSettings settings, HeraldCluster cluster) throws IOException, InterruptedException {
        ScenarioLoad s = new ScenarioLoad(settings, cluster);
        try {
            for (int opened = 0; opened < settings.subscribers(); opened += OPEN_STEP) {
                int step = Math.min(OPEN_STEP, settings.subscribers() - opened);
                s.load.open(step, OPEN_TIMEOUT_MS, id -> cluster.edgeAddress(id % cluster.edges()));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_TIMEOUT_MS);
            long wanted = (long) settings.subscribers() * settings.channelsPerSubscriber();
            while (s.receipts.subscribed() < wanted && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            progress("%,d of %,d subscribers connected and subscribed", s.connected(), settings.subscribers());
            for (int i = 0; i < PUBLISHERS; i++) {
                s.publishers.add(new FanoutPublisher(cluster.ingestUrl(), ScenarioSettings.channelName(0), settings.payloadBytes(),
                        FanoutPublisher.Durability.DURABLE));
            }
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private List<String> subscribes(int subscriber) {
        List<String> frames = new ArrayList<>();
        for (int j = 0; j < settings.channelsPerSubscriber(); j++) {
            frames.add("{\"op\":\"subscribe\",\"channel\":\"" + ScenarioSettings.channelName(settings.channelOf(subscriber, j)) + "\"}");
        }
        return frames;
    }

    private boolean isConnected(int subscriber) {
        return receipts.subscribedBy(subscriber) >= settings.channelsPerSubscriber();
    }

    private int connected() {
        int n = 0;
        for (int i = 0; i < settings.subscribers(); i++) {
            if (isConnected(i)) {
                n++;
            }
        }
        return n;
    }

    /** Warm-up, measurement, drain; the counts of the measurement. */
    ScenarioResult run() throws IOException, InterruptedException {
        if (settings.warmupSeconds() > 0) {
            progress("%s: warm-up at %,d events/s for %d s (not counted)", settings.scenario(), settings.rate(), settings.warmupSeconds());
            publishAtRate(settings.warmupSeconds(), new AtomicLongArray(settings.channels()));
        }
        long slowBefore = cluster.slowConsumerCloses();
        receipts.takeLatency();
        long firstSequence = next.get();
        long receivedBefore = receipts.received();
        long repeatsBefore = receipts.repeats();
        long bytesBefore = load.bytesRead();
        AtomicLongArray accepted = new AtomicLongArray(settings.channels());
        progress("%s: %,d events/s for %d s to %,d channels, %,d subscribers on %d edges", settings.scenario(), settings.rate(),
                settings.seconds(), settings.channels(), settings.subscribers(), cluster.edges());
        long start = System.nanoTime();
        publishAtRate(settings.seconds(), accepted);
        long publishEnd = System.nanoTime();
        long lastSequence = next.get();

        long expected = 0;
        for (int i = 0; i < settings.subscribers(); i++) {
            if (isConnected(i)) {
                for (int j = 0; j < settings.channelsPerSubscriber(); j++) {
                    expected += accepted.get(settings.channelOf(i, j));
                }
            }
        }
        long deadline = publishEnd + DRAIN_TIMEOUT_NS;
        long lastReceipt = System.nanoTime();
        long seen = receipts.received() - receivedBefore;
        while (seen - (receipts.repeats() - repeatsBefore) < expected && System.nanoTime() < deadline
                && System.nanoTime() - lastReceipt < QUIET_TIMEOUT) {
            Thread.sleep(1);
            long now = receipts.received() - receivedBefore;
            if (now != seen) {
                seen = now;
                lastReceipt = System.nanoTime();
            }
        }
        long delivered = 0;
        int connected = 0;
        for (int i = 0; i < settings.subscribers(); i++) {
            if (isConnected(i)) {
                connected++;
                delivered += receipts.distinct(i, firstSequence, lastSequence);
            }
        }
        long published = 0;
        for (int c = 0; c < settings.channels(); c++) {
            published += accepted.get(c);
        }
        double seconds = (Math.max(lastReceipt, publishEnd) - start) / 1e9;
        long receiptsAll = receipts.received() - receivedBefore;
        return new ScenarioResult(settings, connected, published, lastSequence - firstSequence - published, expected, delivered,
                receipts.repeats() - repeatsBefore, receiptsAll, seconds, LatencySummary.of(receipts.takeLatency()),
                load.bytesRead() - bytesBefore, cluster.slowConsumerCloses() - slowBefore);
    }

    /**
     * Open loop: {@code rate} events per second for {@code seconds}, each stamped with its due time
     * (a late publish counts against its latency). Counts accepted events per channel.
     */
    private void publishAtRate(int seconds, AtomicLongArray accepted) throws IOException, InterruptedException {
        long count = (long) settings.rate() * seconds;
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / settings.rate();
        long first = next.get();
        long start = System.nanoTime();
        FanoutPublisher.runEach(publishers, publisher -> {
            for (long n; (n = next.getAndIncrement()) < first + count; ) {
                long due = start + (n - first) * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                int c = settings.channelOf(n);
                if (publisher.publishTo(ScenarioSettings.channelName(c), n, due)) {
                    accepted.incrementAndGet(c);
                }
            }
        });
        next.set(first + count);
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
}
