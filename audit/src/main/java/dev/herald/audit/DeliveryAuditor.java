package dev.herald.audit;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.herald.audit.internal.AuditMetrics;
import dev.herald.audit.internal.AuditThreads;
import dev.herald.audit.internal.CanaryPublisher;
import dev.herald.audit.internal.EdgeSubscriber;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A delivery auditor: publishes canary events through ingest at a steady rate, subscribes to
 * them through every edge, and judges each edge's deliveries with a {@link DeliveryChecker}:
 * lost, late, duplicated, out of order, and publish-to-receipt latency, exported as meters into
 * the registry it is given (names in {@link AuditMetrics}), so that an alert fires on the first
 * lost canary ({@code increase(herald_audit_lost_events_total[5m]) > 0}).
 *
 * <p>It talks to ingest and the edges only over HTTP and WebSocket, as any client does. Its
 * threads are {@code herald-audit-publish} (canaries at the configured rate),
 * {@code herald-audit-timer} (loss deadlines, reconnect backoff) and {@code herald-audit-io-*}
 * (the HTTP client's answers and frames); each logs and counts its errors and goes on.
 * {@link #close()} stops them all. Thread-safe.
 */
public final class DeliveryAuditor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.herald.audit");
    /** How often deadlines are judged when nothing else happens. */
    private static final long DEADLINE_CHECK_MS = 100;
    /** The most canaries awaiting ingest's answer at once: this many seconds' worth at the rate, at least 4. */
    private static final double IN_FLIGHT_SECONDS = 10;

    private final AuditConfig config;
    private final String channel;
    private final DeliveryChecker checker;
    private final ExecutorService io;
    private final ScheduledExecutorService publishTimer;
    private final ScheduledExecutorService timer;
    private final List<EdgeSubscriber> subscribers = new ArrayList<>();

    private DeliveryAuditor(AuditConfig config, MeterRegistry registry) {
        this.config = config;
        this.channel = config.channel();
        String auditorId = UUID.randomUUID().toString();
        AuditMetrics metrics = new AuditMetrics(registry, config.edges().keySet(), config.lossDeadline().toMillis());
        checker = DeliveryChecker.onSystemClock(config.lossDeadline(), config.maxTracked(), metrics);
        metrics.bind(registry, checker);
        io = Executors.newFixedThreadPool(2, new AuditThreads("io"));
        publishTimer = Executors.newSingleThreadScheduledExecutor(new AuditThreads("publish"));
        timer = Executors.newSingleThreadScheduledExecutor(new AuditThreads("timer"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io).connectTimeout(Duration.ofSeconds(10)).build();
        for (Map.Entry<String, URI> edge : config.edges().entrySet()) {
            subscribers.add(new EdgeSubscriber(edge.getKey(), edge.getValue(), channel, auditorId, config.resume(), config.token(), http,
                    timer, checker, metrics));
        }
        int maxInFlight = (int) Math.max(4, Math.ceil(config.ratePerSecond() * IN_FLIGHT_SECONDS));
        CanaryPublisher publisher = new CanaryPublisher(http, config.ingestUrl(), channel, auditorId, config.token(), maxInFlight, checker,
                metrics);
        subscribers.forEach(EdgeSubscriber::start);
        timer.scheduleWithFixedDelay(this::checkDeadlines, DEADLINE_CHECK_MS, DEADLINE_CHECK_MS, TimeUnit.MILLISECONDS);
        long periodNanos = Math.max(1_000, Math.round(1e9 / config.ratePerSecond()));
        publishTimer.scheduleAtFixedRate(publisher, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts auditing: subscribes to every edge of {@code config} and publishes the first canary
     * one period later. Returns at once; connections open in the background.
     *
     * @param registry where the auditor's meters go, e.g. an edge's or a registry of its own
     */
    public static DeliveryAuditor start(AuditConfig config, MeterRegistry registry) {
        DeliveryAuditor auditor = new DeliveryAuditor(config, registry);
        LOG.info("auditor publishing {} canaries/s to {} through {}, subscribed through {} ({}), loss deadline {} ms",
                config.ratePerSecond(), auditor.channel, config.ingestUrl(), config.edges().keySet(),
                config.resume() ? "resuming" : "live only", config.lossDeadline().toMillis());
        return auditor;
    }

    /** The channel the canaries go to. */
    public String channel() {
        return channel;
    }

    /** The edges audited, by the name their meters are tagged with ({@code host:port}). */
    public List<String> edges() {
        return List.copyOf(config.edges().keySet());
    }

    /** The checker judging the deliveries: {@link DeliveryChecker#report(String)} per edge. */
    public DeliveryChecker checker() {
        return checker;
    }

    private void checkDeadlines() {
        try {
            checker.checkDeadlines();
        } catch (RuntimeException e) {
            LOG.warn("auditor could not judge deadlines", e);
        }
    }

    /** Stops publishing, closes every WebSocket and stops the auditor's threads; waits at most a few seconds. */
    @Override
    public void close() {
        publishTimer.shutdownNow();
        subscribers.forEach(EdgeSubscriber::close);
        timer.shutdownNow();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            io.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
