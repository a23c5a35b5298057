package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * A scenario's clients: {@code subscribers} WebSocket connections spread over the target's servers
 * (Herald's edges, or a peer's; {@link WsLoad}, each subscribed to its channels), and
 * {@link #PUBLISHERS} publishers sending numbered, timestamped events through the target's publish
 * endpoint at a fixed rate, event {@code n} to channel {@code n % channels}.
 *
 * <p>A run ({@link #run}) publishes for the warm-up and then for the measurement, waits until
 * every connected subscriber has every accepted event of its channels (or until nothing has
 * arrived for {@link #QUIET_TIMEOUT}), and counts, per connection, which of the measured events
 * arrived. A subscriber is <em>connected</em> if its connection was upgraded and got a
 * {@code subscribed} answer for each of its channels within {@link #OPEN_TIMEOUT_MS}; only connected
 * subscribers are expected to receive.
 *
 * <p>With a {@link Disturbance}, the measurement is disturbed (subscribers drop at random, or an
 * edge is killed and restarted a third of the way in), and a subscriber whose socket ends
 * reconnects to the next edge (after {@link #FIRST_BACKOFF_MS}, doubling up to
 * {@link #MAX_BACKOFF_MS} while it fails) and subscribes to each channel with {@code since} its
 * last position. Bounded in count and time; traffic only to the target's loopback addresses.
 * Not thread-safe.
 */
final class ScenarioLoad implements AutoCloseable {

    static final int PUBLISHERS = 32;
    private static final int LOAD_THREADS = 2;
    private static final int OPEN_STEP = 1_000;
    private static final long OPEN_TIMEOUT_MS = 60_000;
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long QUIET_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 1_000;

    private final ScenarioSettings settings;
    private final Disturbance disturbance;
    private final ScenarioTarget target;
    private final FanoutReceipts receipts;
    private final WsLoad load;
    private final List<FanoutPublisher> publishers = new ArrayList<>();
    private final AtomicLong next = new AtomicLong();
    /** The edge each subscriber is on (or reconnecting to). */
    private final AtomicIntegerArray edgeOf;
    /** Per subscriber: 1 while its socket is upgraded and not dropped. */
    private final AtomicIntegerArray online;
    /** Per subscriber: reconnects that failed in a row. */
    private final AtomicIntegerArray failures;
    private final AtomicLong reconnects = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "scenario-disturbance");
        t.setDaemon(true);
        return t;
    });

    private ScenarioLoad(ScenarioSettings settings, Disturbance disturbance, ScenarioTarget target) throws IOException {
        this.settings = settings;
        this.disturbance = disturbance;
        this.target = target;
        this.receipts = new FanoutReceipts(settings.subscribers(), disturbance.resumes() && target.resumes());
        this.edgeOf = new AtomicIntegerArray(settings.subscribers());
        this.online = new AtomicIntegerArray(settings.subscribers());
        this.failures = new AtomicIntegerArray(settings.subscribers());
        this.load = new WsLoad(target.serverAddress(0), target.dialect(), LOAD_THREADS, this::subscribes, new Listener());
    }

    /** Connects and subscribes every subscriber, and opens the publishers. */
    static ScenarioLoad open(ScenarioSettings settings, Disturbance disturbance, ScenarioTarget target)
            throws IOException, InterruptedException {
        ScenarioLoad s = new ScenarioLoad(settings, disturbance, target);
        try {
            for (int opened = 0; opened < settings.subscribers(); opened += OPEN_STEP) {
                int step = Math.min(OPEN_STEP, settings.subscribers() - opened);
                s.load.open(step, OPEN_TIMEOUT_MS, id -> {
                    s.edgeOf.set(id, id % target.servers());
                    return target.serverAddress(id % target.servers());
                });
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_TIMEOUT_MS);
            long wanted = (long) settings.subscribers() * settings.channelsPerSubscriber();
            while (s.receipts.subscribed() < wanted && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            progress("%,d of %,d subscribers connected and subscribed", s.connected(), settings.subscribers());
            for (int i = 0; i < PUBLISHERS; i++) {
                s.publishers.add(new FanoutPublisher(target.publishUrl(), ScenarioSettings.channelName(0), settings.payloadBytes(),
                        FanoutPublisher.Durability.DURABLE));
            }
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A subscriber's subscribes: live at first, then from the last position of each channel. */
    private List<String> subscribes(int subscriber) {
        List<String> frames = new ArrayList<>();
        for (int j = 0; j < settings.channelsPerSubscriber(); j++) {
            String channel = ScenarioSettings.channelName(settings.channelOf(subscriber, j));
            frames.add(target.dialect().subscribe(channel, receipts.resumeFrom(subscriber, channel)));
        }
        return frames;
    }

    /** Counts receipts; with a disturbance, reconnects a subscriber whose socket ended. */
    private final class Listener implements WsLoad.Listener {
        @Override
        public void onText(int connection, ByteBuffer payload, long receivedNanos) {
            receipts.onText(connection, payload, receivedNanos);
        }

        @Override
        public void onOpen(int connection) {
            receipts.onOpen(connection);
            online.set(connection, 1);
            failures.set(connection, 0);
        }

        @Override
        public void onEnded(int connection) {
            online.set(connection, 0);
            if (disturbance.resumes()) {
                long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(10, failures.getAndIncrement(connection)));
                reconnectLater(connection, backoff);
            }
        }
    }

    /** After {@code delayMs}, connects {@code subscriber} anew, to the edge after the one it was on. */
    private void reconnectLater(int subscriber, long delayMs) {
        try {
            timer.schedule(() -> {
                int edge = (edgeOf.get(subscriber) + 1) % target.servers();
                edgeOf.set(subscriber, edge);
                reconnects.incrementAndGet();
                load.connect(subscriber, target.serverAddress(edge));
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the load is closing
        }
    }

    /** Drops one online subscriber, picked at random, and reconnects it after the offline time. */
    private void churnOne() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 16; attempt++) {
            int subscriber = random.nextInt(settings.subscribers());
            if (online.compareAndSet(subscriber, 1, 0)) {
                load.drop(subscriber);
                reconnectLater(subscriber, disturbance.offlineMillis());
                return;
            }
        }
    }

    /** Starts the disturbance of the measurement; the returned future ends when it has done its part. */
    private Future<?> disturb() {
        return switch (disturbance.kind()) {
            case NONE -> CompletableFuture.completedFuture(null);
            case CHURN -> timer.scheduleAtFixedRate(this::churnOne, 0, Math.max(1, (long) (1e9 / disturbance.churnPerSecond())),
                    TimeUnit.NANOSECONDS);
            case RESTART -> timer.schedule(() -> {
                target.crashAndRestart(0, disturbance.downMillis());
                return null;
            }, settings.seconds() * 1000L / 3, TimeUnit.MILLISECONDS);
        };
    }

    /** Ends the disturbance: churn stops; a restart is waited for (it must be back for the drain). */
    private void settle(Future<?> disturbing) throws InterruptedException {
        if (disturbance.kind() == Disturbance.Kind.CHURN) {
            disturbing.cancel(false);
            return;
        }
        try {
            disturbing.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + disturbance.kind() + " disturbance failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the " + disturbance.kind() + " disturbance did not end within 2 minutes", e);
        }
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
        long slowBefore = target.slowConsumerCloses();
        receipts.takeLatency();
        long firstSequence = next.get();
        receipts.measureFrom(firstSequence);
        long receivedBefore = receipts.received();
        long repeatsBefore = receipts.repeats();
        long redeliveriesBefore = receipts.redeliveries();
        long notRecoveredBefore = receipts.notRecovered();
        long reconnectsBefore = reconnects.get();
        long bytesBefore = load.bytesRead();
        boolean[] expecting = new boolean[settings.subscribers()];
        for (int i = 0; i < expecting.length; i++) {
            expecting[i] = isConnected(i);
        }
        AtomicLongArray accepted = new AtomicLongArray(settings.channels());
        progress("%s: %,d events/s for %d s to %,d channels, %,d subscribers on %d edges", settings.scenario(), settings.rate(),
                settings.seconds(), settings.channels(), settings.subscribers(), target.servers());
        long start = System.nanoTime();
        ProcessCpu serverCpu = ProcessCpu.start(target);
        Future<?> disturbing = disturb();
        publishAtRate(settings.seconds(), accepted);
        long publishEnd = System.nanoTime();
        long lastSequence = next.get();
        settle(disturbing);

        long expected = 0;
        for (int i = 0; i < settings.subscribers(); i++) {
            if (expecting[i]) {
                for (int j = 0; j < settings.channelsPerSubscriber(); j++) {
                    expected += accepted.get(settings.channelOf(i, j));
                }
            }
        }
        long deadline = publishEnd + DRAIN_TIMEOUT_NS;
        long lastReceipt = System.nanoTime();
        long fresh = receipts.freshMeasured();
        while (fresh < expected && System.nanoTime() < deadline && System.nanoTime() - lastReceipt < QUIET_TIMEOUT) {
            Thread.sleep(1);
            long now = receipts.freshMeasured();
            if (now != fresh) {
                fresh = now;
                lastReceipt = System.nanoTime();
            }
        }
        Duration serverCpuUsed = serverCpu.stop();
        long delivered = 0;
        int connected = 0;
        boolean shown = false;
        for (int i = 0; i < settings.subscribers(); i++) {
            if (expecting[i]) {
                connected++;
                int got = receipts.distinct(i, firstSequence, lastSequence);
                delivered += got;
                if (!shown && settings.channels() == 1 && got < lastSequence - firstSequence) {
                    shown = true; // one channel: every number is expected; name the first subscriber's gaps
                    progress("subscriber %d is missing events %s (measured: %d to %d)", i,
                            receipts.missing(i, firstSequence, lastSequence, 10), firstSequence, lastSequence - 1);
                }
            }
        }
        long published = 0;
        for (int c = 0; c < settings.channels(); c++) {
            published += accepted.get(c);
        }
        double seconds = (Math.max(lastReceipt, publishEnd) - start) / 1e9;
        long receiptsAll = receipts.received() - receivedBefore;
        Histogram latency = receipts.takeLatency();
        ScenarioResult.Resumes resumes = new ScenarioResult.Resumes(disturbance.kind(), reconnects.get() - reconnectsBefore,
                receipts.redeliveries() - redeliveriesBefore, receipts.notRecovered() - notRecoveredBefore);
        return new ScenarioResult(target.name(), settings, connected, published, lastSequence - firstSequence - published, expected, delivered,
                receipts.repeats() - repeatsBefore, receiptsAll, seconds, LatencySummary.of(latency), latency,
                load.bytesRead() - bytesBefore, target.slowConsumerCloses() - slowBefore, resumes, serverCpuUsed);
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
        timer.shutdownNow();
        try {
            for (FanoutPublisher p : publishers) {
                p.close();
            }
        } finally {
            load.close();
        }
    }
}
