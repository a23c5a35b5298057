package dev.herald.edge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.edge.EdgeConfig;
import dev.herald.fanout.EventStore;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.fanout.FanoutSettings;
import dev.herald.fanout.StoreSettings;
import dev.herald.lane.LaneSettings;
import dev.herald.lane.MulticastReceiver;
import dev.herald.lane.MulticastSender;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.protocol.CloseCode;
import dev.herald.server.admin.AdminConfig;
import dev.herald.server.admin.AdminPeers;
import dev.herald.server.admin.AdminRoutes;
import dev.herald.server.admin.MeterSampler;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import dev.herald.server.http.StatusRoutes;
import dev.herald.server.auth.AdminAccess;
import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.AuthConfig;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.limits.EdgeLimits;
import dev.herald.server.limits.LimitRefusals;
import dev.herald.server.limits.LimitsConfig;
import dev.herald.server.origin.Cors;
import dev.herald.server.origin.OriginsConfig;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Wires an edge from its config: the store, the fanout consumer, the subscription index, the
 * resume workers, the replays, the copy of every channel's latest value ({@link LatestFollower}) and the
 * HTTP routes ({@code /v1/ws}, {@code /v1/sse}, the history route {@code GET /v1/channels/{channel}/events},
 * the latest-value route {@code GET /v1/channels/{channel}/latest}, {@code /healthz}, {@code /readyz}, {@code /metrics},
 * the admin page's {@code /admin}, {@code /admin/status}, {@code /admin/login}, and {@code /admin/replay}
 * for admin tokens only). Closing it closes every connection with {@link CloseCode#GOING_AWAY},
 * cancels a running replay, stops the consumer (which commits and leaves its group), then the store.
 */
public final class EdgeComponents implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final EventStore store;
    private final FanoutConsumer consumer;
    private final IoThreadTasks ioTasks = new IoThreadTasks();
    private final SubscriptionIndex index;
    private final EdgeMetrics metrics;
    private final ThreadPoolExecutor resumeWorkers;
    private final ResumeReader reader;
    private final EdgeReplays replays;
    /** The edge's copy of every channel's latest value, and what follows the topic into it. */
    private final LatestStore latestStore;
    private final LatestFollower latest;
    private final HttpHandler routes;
    /** Samples the meters for the admin status, and refreshes the busiest channels' meters. */
    private final MeterSampler sampler;
    private final AdminRoutes admin;
    /** Where tokens are verified when that may wait on a key server; {@code null} when it never waits. */
    private ThreadPoolExecutor verifyWorkers;
    /** Most upgrades, streams and auth frames waiting for a token check on a worker; past it they are refused. */
    private static final int VERIFY_QUEUE_MAX = 1_024;
    /** The ephemeral lane, or {@code null} for both without {@code ephemeral.secret}. */
    private MulticastSender laneSender;
    private MulticastReceiver laneReceiver;

    public EdgeComponents(EdgeConfig config, Clock clock) {
        index = new SubscriptionIndex(ioTasks, config.getInt(EdgeConfig.QUEUE_MAX_BYTES)
                - EdgeConfig.messageOverheadBytes(config.getInt(EdgeConfig.MAX_SUBSCRIPTIONS)));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry); // process_start_time_seconds: the alerts on catching up after a restart
        EdgeAuth auth = auth(config, clock); // first: a setting it refuses stops start-up before anything is opened
        EdgeLimits limits = LimitsConfig.edge(config);
        LimitRefusals refusals = new LimitRefusals().bindTo(registry);
        store = EventStore.open(Path.of(config.dataDir()), new StoreSettings(config.getLong(EdgeConfig.DEDUP_WINDOW_MS),
                config.getLong(EdgeConfig.DEDUP_MAX_BYTES), config.getInt(EdgeConfig.HISTORY_PER_CHANNEL)));
        metrics = new EdgeMetrics(registry, index, ioTasks);
        try {
            consumer = new FanoutConsumer(new FanoutSettings(config.getString(EdgeConfig.BOOTSTRAP_SERVERS),
                    config.getString(EdgeConfig.TOPIC), config.edgeId(), config.kafkaOverrides()),
                    store, index, registry, clock, Duration.ofMillis(config.getLong(EdgeConfig.STARTUP_TIMEOUT_MS)));
            if (!consumer.awaitAssignment(Duration.ofMillis(config.getLong(EdgeConfig.STARTUP_TIMEOUT_MS)))) {
                consumer.close();
                throw new IllegalStateException("the edge consumer got no partitions within " + config.getLong(EdgeConfig.STARTUP_TIMEOUT_MS) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.close();
            throw new IllegalStateException("interrupted while starting the edge", e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        int workers = config.getInt(EdgeConfig.RESUME_WORKERS);
        // bounded: a resume that finds the queue full is refused (resume-busy), never queued without limit
        resumeWorkers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.getInt(EdgeConfig.RESUME_QUEUE_MAX)), r -> {
                    Thread t = new Thread(r, "herald-edge-resume-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        reader = new ResumeReader(store, config.getString(EdgeConfig.BOOTSTRAP_SERVERS), config.kafkaOverrides(),
                config.getString(EdgeConfig.TOPIC), consumer.epoch(), clock, workers, config.getLong(EdgeConfig.REPLAY_MAX_RECORDS),
                config.getInt(EdgeConfig.REPLAY_PAGE_BYTES));
        metrics.bindResumes(resumeWorkers, reader);
        Map<String, Object> clientProps = new HashMap<>(config.kafkaOverrides());
        clientProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(EdgeConfig.BOOTSTRAP_SERVERS));
        replays = new EdgeReplays(config.edgeId(), config.getString(EdgeConfig.TOPIC), clientProps, consumer, store, index, registry, clock);
        latestStore = LatestStore.open(Path.of(config.dataDir()).resolve("latest"));
        latest = new LatestFollower(latestStore, clientProps, config.getString(EdgeConfig.LATEST_TOPIC), registry);
        latest.start();
        LaneSettings lane = config.laneSettings();
        try {
            laneSender = lane == null ? null : MulticastSender.open(lane);
            laneReceiver = lane == null ? null : MulticastReceiver.start(lane,
                    d -> metrics.ephemeralBacklogSkips(index.deliverEphemeral(d.event().channel(), FrameCodec.eventFrame(d.event(), null))),
                    clock);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open the ephemeral lane on " + lane.networkInterface().getName() + ", "
                    + lane.group().getHostAddress() + ":" + lane.port() + ": " + e.getMessage(), e);
        }
        if (lane != null) {
            metrics.bindLane(laneSender, laneReceiver);
        }
        EdgeContext context = new EdgeContext(consumer, index, reader, resumeWorkers, ioTasks, metrics,
                config.getInt(EdgeConfig.QUEUE_MAX_EVENTS), config.getInt(EdgeConfig.QUEUE_MAX_BYTES),
                config.getInt(EdgeConfig.WS_MAX_FRAME_BYTES), config.getInt(EdgeConfig.MAX_SUBSCRIPTIONS),
                new EphemeralPublish(laneSender, clock, "herald://edge/" + config.edgeId()), auth,
                limits.framePolicy(Ticker.systemTicker(), refusals), limits.connectionLimiter(Ticker.systemTicker(), refusals),
                latest, config.getLong(EdgeConfig.LATEST_WAIT_MS));
        long idleMs = config.getLong(EdgeConfig.WS_IDLE_TIMEOUT_MS);
        long pingMs = config.getLong(EdgeConfig.WS_PING_INTERVAL_MS);
        WsUpgradeHandler ws = new WsUpgradeHandler(context, pingMs, idleMs);
        ChannelMeters channelMeters = new ChannelMeters(registry, index.tally());
        sampler = MeterSampler.start(registry, "herald-edge-admin-sampler", List.of(channelMeters::sync));
        EdgeStatus status = new EdgeStatus(config.edgeId(), consumer, index.tally(), sampler);
        admin = new AdminRoutes(auth.authenticator(), verifyWorkers, config.getString(EdgeConfig.AUTH_COOKIE_NAME), status::status,
                new AdminPeers(AdminConfig.peers(config), AdminConfig.peerTimeout(config)));
        HistoryEndpoint history = new HistoryEndpoint(context, new HistoryPager(reader, consumer,
                config.getInt(EdgeConfig.REPLAY_PAGE_BYTES), config.getInt(EdgeConfig.HISTORY_SCAN_MAX_RECORDS)));
        HttpHandler historyRoute = new Cors(auth.origins(), List.of("GET"), List.of("Authorization"), List.of(), history,
                AuthAnswers::originNotAllowed);
        HttpHandler latestRoute = new Cors(auth.origins(), List.of("GET"), List.of("Authorization"), List.of(), new LatestEndpoint(context),
                AuthAnswers::originNotAllowed);
        routes = Handlers.path(this::notFound)
                .addExactPath(AdminRoutes.PAGE_PATH, admin)
                .addExactPath(AdminRoutes.STATUS_PATH, admin)
                .addExactPath(AdminRoutes.LOGIN_PATH, admin)
                .addPrefixPath(HistoryEndpoint.PREFIX, ex -> {
                    String path = ex.getRequestPath();
                    if (path.endsWith(HistoryEndpoint.SUFFIX) && path.length() > HistoryEndpoint.PREFIX.length() + HistoryEndpoint.SUFFIX.length()) {
                        historyRoute.handleRequest(ex);
                    } else if (path.endsWith(LatestEndpoint.SUFFIX)
                            && path.length() > HistoryEndpoint.PREFIX.length() + LatestEndpoint.SUFFIX.length()) {
                        latestRoute.handleRequest(ex);
                    } else {
                        notFound(ex);
                    }
                })
                .addExactPath("/v1/ws", ws)
                .addExactPath("/v1/sse", new Cors(auth.origins(), List.of("GET"), List.of("Authorization", "Last-Event-ID"), List.of(),
                        new SseEndpoint(context, config.getLong(EdgeConfig.SSE_KEEPALIVE_MS)), AuthAnswers::originNotAllowed))
                .addPrefixPath(ReplayEndpoint.PATH, new AdminAccess(auth.authenticator(), verifyWorkers,
                        config.getString(EdgeConfig.AUTH_COOKIE_NAME), new ReplayEndpoint(replays)))
                .addExactPath(StatusRoutes.HEALTH_PATH, StatusRoutes::health)
                .addExactPath(StatusRoutes.READY_PATH, ex -> StatusRoutes.readiness(ex, consumer.notReadyReason()))
                .addExactPath(StatusRoutes.METRICS_PATH, ex -> StatusRoutes.metrics(ex, registry.scrape()));
    }

    /**
     * Who may connect, from the {@code auth.*} and {@code http.allowed.origins} settings; refuses
     * (ConfigException) tokens on with no keys.
     */
    private EdgeAuth auth(EdgeConfig config, Clock clock) {
        Authenticator authenticator = AuthConfig.read(config, clock);
        if (authenticator.mayBlock()) {
            AtomicInteger n = new AtomicInteger();
            verifyWorkers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(VERIFY_QUEUE_MAX), r -> {
                Thread t = new Thread(r, "herald-edge-verify-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
        }
        return new EdgeAuth(authenticator, OriginsConfig.read(config.getString(OriginsConfig.ALLOWED_ORIGINS), config.tokensOn(),
                config.getString(EdgeConfig.HTTP_HOST)), Duration.ofMillis(config.getLong(EdgeConfig.AUTH_TIMEOUT_MS)),
                config.getString(EdgeConfig.AUTH_COOKIE_NAME), config.getBoolean(EdgeConfig.AUTH_TOKEN_QUERY_ALLOWED), clock,
                new AuthMetrics(registry, "herald.edge"), verifyWorkers);
    }

    /** The handler of every route. */
    public HttpHandler routes() {
        return routes;
    }

    public Epoch epoch() {
        return consumer.epoch();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public FanoutConsumer consumer() {
        return consumer;
    }

    /** The peers the admin page shows beside this edge. */
    public AdminPeers adminPeers() {
        return admin.peers();
    }

    /** Open WebSocket and SSE connections now. */
    public int connections() {
        return metrics.connections();
    }

    /** Tells every client to reconnect elsewhere ({@link CloseCode#GOING_AWAY}), as the edge drains. */
    public void closeConnections() {
        for (EdgeConnection c : metrics.openConnections()) {
            c.goAway();
        }
    }

    private void notFound(HttpServerExchange ex) {
        HttpAnswers.problem(ex, Problem.notFound(ex.getRequestPath()));
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {laneReceiver, laneSender}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
        if (replays != null) {
            replays.close(); // before the consumer: a history replay hands its records to the poll thread
        }
        if (sampler != null) {
            sampler.close();
        }
        resumeWorkers.shutdownNow();
        if (verifyWorkers != null) {
            verifyWorkers.shutdownNow();
        }
        try {
            resumeWorkers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
        if (latest != null) {
            latest.close();
            latestStore.close();
        }
        consumer.close();
        if (consumer.stopped()) {
            store.close();
        } // else the poll thread may still write to it: closing RocksDB under a writer crashes the process
        registry.close();
    }
}
