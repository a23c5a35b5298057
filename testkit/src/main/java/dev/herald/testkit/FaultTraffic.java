package dev.herald.testkit;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;


/**
 * The traffic a fault suite keeps going while it injects its fault: publishers POSTing durable
 * events to ingest, and WebSocket subscribers of every channel spread over the edges, all judged by
 * one {@link DeliveryLedger}.
 *
 * <p>Publishers behave as a careful client does: each event gets its own {@code Idempotency-Key},
 * and a publish answered with an error (503 while Kafka has no leader) or not answered at all is
 * sent again with the same key, after a short pause, until it is acknowledged; every attempt is in
 * the ledger, and the event counts as published when one is acknowledged. Each event's latency runs
 * from its first attempt to its acknowledgement, so a client's wait through a fault is in it.
 *
 * <p>Subscribers behave as a careful client does too: when a connection ends (the edge went away,
 * or closed it), the subscriber reconnects after a random pause of up to {@code reconnectJitter} to
 * the next edge that is up and resumes from its last position; a refused connect is tried again. Start with {@link #start()},
 * end with {@link #stopPublishing()} and {@link #awaitDelivered}.
 */
public final class FaultTraffic implements AutoCloseable {

    /** One acknowledged event's latency, first attempt to acknowledgement, and when it was first sent. */
    public record Latency(long sentAtNanos, long nanos) {
    }

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final ContainerCluster cluster;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final List<String> channels;
    private final List<ResumingSubscriber> subscribers = new ArrayList<>();
    private final int publishers;
    private final int eventsPerSecond;
    private final Duration reconnectJitter;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-traffic");
        t.setDaemon(true);
        return t;
    });
    /** Connects and reconnects, each after its jitter: a few threads for any number of subscribers. */
    private final ScheduledExecutorService reconnects = Executors.newScheduledThreadPool(16, r -> {
        Thread t = new Thread(r, "fault-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final AtomicBoolean supervising = new AtomicBoolean();
    private final AtomicLong abandoned = new AtomicLong();
    private final ConcurrentLinkedQueue<Latency> latencies = new ConcurrentLinkedQueue<>();
    private final Map<String, String> acknowledgedAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
    private final List<java.util.concurrent.Future<?>> publisherTasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile List<Integer> edgesUp;
    private final Set<ResumingSubscriber> reconnecting = ConcurrentHashMap.newKeySet();

    /**
     * @param channels        how many channels ({@code fault-<i>}), each followed by every subscriber
     * @param subscribers     WebSocket subscribers, spread over the edges in turn
     * @param publishers      publishing threads
     * @param eventsPerSecond events published per second over all publishers, about
     * @param reconnectJitter the most a subscriber waits before reconnecting
     */
    public FaultTraffic(ContainerCluster cluster, String prefix, int channels, int subscribers, int publishers, int eventsPerSecond,
                 Duration reconnectJitter) {
        this.cluster = cluster;
        this.channels = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            this.channels.add(prefix + "-" + i);
        }
        for (int i = 0; i < subscribers; i++) {
            this.subscribers.add(new ResumingSubscriber("subscriber-" + i, this.channels, ledger, http));
        }
        this.publishers = publishers;
        this.eventsPerSecond = eventsPerSecond;
        this.reconnectJitter = reconnectJitter;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cluster.edgeCount(); i++) {
            all.add(i);
        }
        this.edgesUp = List.copyOf(all);
    }

    /** Connects every subscriber (in turn over the edges), waits until all are subscribed, then starts publishing. */
    public void start() throws InterruptedException {
        start(List.copyOf(edgesUp));
    }

    /** As {@link #start()}, the subscribers connected in turn to {@code edges} only. */
    public void start(List<Integer> edges) throws InterruptedException {
        List<java.util.concurrent.Future<?>> connects = new ArrayList<>();
        for (int i = 0; i < subscribers.size(); i++) {
            ResumingSubscriber s = subscribers.get(i);
            String url = cluster.edgeWebSocket(edges.get(i % edges.size()));
            connects.add(reconnects.submit(() -> s.connect(url)));
        }
        for (java.util.concurrent.Future<?> connect : connects) {
            try {
                connect.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a subscriber did not connect", e);
            }
        }
        awaitSubscribed(Duration.ofSeconds(120));
        supervising.set(true);
        threads.execute(this::superviseSubscribers);
        publishing.set(true);
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            publisherTasks.add(threads.submit(() -> publish(publisher)));
        }
    }

    /**
     * The edges subscribers may reconnect to (indexes from 0): a suite that takes an edge down says
     * so, so that reconnects go to the others, as a load balancer's health check would make them.
     */
    public void edgesUp(List<Integer> edges) {
        this.edgesUp = List.copyOf(edges);
    }

    /**
     * Moves every {@code step}-th subscriber to {@code edge}: drops its connection and resumes there
     * at once, so that a restarted edge is shown to serve resumes again.
     */
    public void move(int step, int edge) {
        for (int i = 0; i < subscribers.size(); i += step) {
            ResumingSubscriber s = subscribers.get(i);
            // a reconnect already scheduled for it would take it elsewhere: wait for that one first
            long deadline = System.nanoTime() + reconnectJitter.plusSeconds(30).toNanos();
            while (!reconnecting.add(s)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(s.name() + " still reconnecting after " + reconnectJitter.plusSeconds(30));
                }
                sleep(10);
            }
            try {
                s.connect(cluster.edgeWebSocket(edge));
            } finally {
                reconnecting.remove(s);
            }
        }
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    public List<ResumingSubscriber> subscribers() {
        return subscribers;
    }

    /** Waits until every subscriber has a connection with every channel subscribed. */
    public void awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!subscribers.stream().allMatch(ResumingSubscriber::subscribed)) {
            if (System.nanoTime() > deadline) {
                long ready = subscribers.stream().filter(ResumingSubscriber::subscribed).count();
                long connected = subscribers.stream().filter(ResumingSubscriber::connected).count();
                long connections = subscribers.stream().mapToLong(ResumingSubscriber::connections).sum();
                throw new AssertionError(ready + " of " + subscribers.size() + " subscribers subscribed within " + timeout + " ("
                        + connected + " connected, " + connections + " connections opened in all, " + reconnecting.size()
                        + " waiting to reconnect)");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Stops publishing: each publisher finishes the event in hand (retries included) and stops, and
     * this returns once all have, so that every acknowledgement is in the ledger before it judges.
     */
    public void stopPublishing() throws InterruptedException {
        publishing.set(false);
        for (java.util.concurrent.Future<?> task : publisherTasks) {
            try {
                task.get(GIVE_UP_AFTER.plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("a publisher failed", e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a publisher did not stop within " + GIVE_UP_AFTER.plusSeconds(30), e);
            }
        }
    }

    /** The sum of {@code recovered:false} answers the subscribers got: resumes an edge could not make whole. */
    public int notRecovered() {
        return subscribers.stream().mapToInt(ResumingSubscriber::notRecovered).sum();
    }

    /** Connections opened by all subscribers so far (each reconnect is one more). */
    public long connectionsOpened() {
        return subscribers.stream().mapToLong(ResumingSubscriber::connections).sum();
    }

    /** The partition of {@code channel}, from its first acknowledgement; {@code -1} before any. */
    public int partitionOf(String channel) {
        return partitionOf.getOrDefault(channel, -1);
    }

    /** Waits until every subscriber has everything it is owed, or {@code timeout}; the ledger's report then. */
    public DeliveryReport awaitDelivered(Duration timeout) throws InterruptedException {
        return ledger.awaitDelivered(timeout);
    }

    /** Every acknowledged event's id, to the {@code partition:offset} its 201 named. */
    public Map<String, String> acknowledgedPositions() {
        return Map.copyOf(acknowledgedAt);
    }

    /** Events given up on: never acknowledged after {@link #GIVE_UP_AFTER} of retries. */
    public long abandoned() {
        return abandoned.get();
    }

    /** The p99 latency, ms, of the events first sent at or after {@code sinceNanos} ({@link System#nanoTime()}); 0 when none. */
    public double publishP99Ms(long sinceNanos) {
        long[] values = latencies.stream().filter(l -> l.sentAtNanos() >= sinceNanos).mapToLong(Latency::nanos).sorted().toArray();
        if (values.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(values.length * 0.99) - 1;
        return values[Math.max(0, index)] / 1e6;
    }


    private void publish(int publisher) {
        LedgerPublisher client = new LedgerPublisher(cluster.ingestUrl(), ledger, Duration.ofSeconds(15), null);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) * publishers / eventsPerSecond;
        long next = System.nanoTime();
        long sequence = 0;
        while (publishing.get()) {
            String channel = channels.get((int) ((publisher + sequence) % channels.size()));
            String key = UUID.randomUUID().toString();
            String body = "{\"publisher\":" + publisher + ",\"seq\":" + sequence++ + "}";
            long first = System.nanoTime();
            while (true) {
                LedgerPublisher.Result result = client.publish(channel, key, body);
                if (result.acknowledged()) {
                    latencies.add(new Latency(first, System.nanoTime() - first));
                    acknowledgedAt.put(result.answer().path("id").asText(),
                            result.answer().path("partition").asInt() + ":" + result.answer().path("offset").asLong());
                    partitionOf.putIfAbsent(channel, result.answer().path("partition").asInt());
                    break;
                }
                if (System.nanoTime() - first > GIVE_UP_AFTER.toNanos()) {
                    abandoned.incrementAndGet();
                    break;
                }
                sleep(RETRY_PAUSE.toMillis());
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            } else {
                next = System.nanoTime(); // behind (a fault): carry on at the rate from now, no burst
            }
        }
    }

    private void superviseSubscribers() {
        int turn = 0;
        while (supervising.get()) {
            for (ResumingSubscriber s : subscribers) {
                if (!supervising.get()) {
                    return;
                }
                if (s.connected() || reconnecting.contains(s)) {
                    continue;
                }
                List<Integer> edges = edgesUp;
                if (edges.isEmpty()) {
                    continue;
                }
                int edge = edges.get(turn++ % edges.size());
                reconnecting.add(s);
                reconnects.schedule(() -> reconnect(s, edge), ThreadLocalRandom.current().nextLong(reconnectJitter.toMillis() + 1),
                        TimeUnit.MILLISECONDS);
            }
            sleep(100);
        }
    }

    /** Reconnects {@code s} to {@code edge} (its jitter already waited); a refused connect is left for the next round. */
    private void reconnect(ResumingSubscriber s, int edge) {
        try {
            if (supervising.get() && !s.connected()) {
                s.connect(cluster.edgeWebSocket(edge));
            }
        } catch (RuntimeException | AssertionError refused) {
            // the edge is not there (yet): the supervisor tries again, maybe elsewhere
        } finally {
            reconnecting.remove(s);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        publishing.set(false);
        supervising.set(false);
        threads.shutdownNow();
        reconnects.shutdownNow();
        subscribers.forEach(ResumingSubscriber::close);
    }
}
