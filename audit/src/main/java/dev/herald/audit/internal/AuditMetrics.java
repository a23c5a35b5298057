package dev.herald.audit.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.audit.DeliveryChecker;
import dev.herald.audit.DeliveryListener;
import dev.herald.audit.DeliveryOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's meters, every edge's registered at start so that each series exists from zero:
 * {@code herald_audit_published_events_total{result="acked"|"failed"}},
 * {@code herald_audit_untracked_events_total}, and per edge ({@code edge="host:port"})
 * {@code herald_audit_received_events_total}, {@code herald_audit_lost_events_total},
 * {@code herald_audit_late_events_total}, {@code herald_audit_duplicated_events_total},
 * {@code herald_audit_out_of_order_events_total}, {@code herald_audit_latency_seconds} (histogram,
 * publish start to receipt), {@code herald_audit_connected} (1 while subscribed) and
 * {@code herald_audit_reconnects_total}; and {@code herald_audit_errors_total{stage}}. Also the
 * checker's listener: it counts each verdict and logs losses. Thread-safe.
 */
public final class AuditMetrics implements DeliveryListener {

    private static final Logger LOG = LoggerFactory.getLogger("dev.herald.audit");

    private final Counter acked;
    private final Counter failed;
    private final Counter publishErrors;
    private final Counter subscribeErrors;
    private final Map<String, EdgeMeters> edges = new HashMap<>();
    private final ThrottledLog lossLog = new ThrottledLog(LOG);
    private final ThrottledLog lateLog = new ThrottledLog(LOG);
    private final long lossDeadlineMs;

    /**
     * @param edgeNames      the edges, as the checker knows them; their meters are registered now
     * @param lossDeadlineMs the checker's loss deadline, for the log
     */
    public AuditMetrics(MeterRegistry registry, Collection<String> edgeNames, long lossDeadlineMs) {
        this.lossDeadlineMs = lossDeadlineMs;
        acked = published(registry, "acked");
        failed = published(registry, "failed");
        publishErrors = errors(registry, "publish");
        subscribeErrors = errors(registry, "subscribe");
        for (String edge : edgeNames) {
            edges.put(edge, new EdgeMeters(registry, edge));
        }
    }

    /** Exports the checker's count of canaries it could not track. */
    public void bind(MeterRegistry registry, DeliveryChecker checker) {
        FunctionCounter.builder("herald.audit.untracked", checker, DeliveryChecker::untracked).baseUnit("events")
                .description("Acknowledged canaries not judged: too many were awaiting their deadline").register(registry);
    }

    private static Counter published(MeterRegistry registry, String result) {
        return Counter.builder("herald.audit.published").tag("result", result).baseUnit("events")
                .description("Canary events published through ingest, by its answer (acked: 201; failed: anything else)")
                .register(registry);
    }

    private static Counter errors(MeterRegistry registry, String stage) {
        return Counter.builder("herald.audit.errors").tag("stage", stage)
                .description("Errors the auditor met and went on from, by stage (publish, subscribe)").register(registry);
    }

    /** Counts a canary by ingest's answer. */
    public void published(boolean wasAcked) {
        (wasAcked ? acked : failed).increment();
    }

    /** Counts an error of the publishing side. */
    public void publishError() {
        publishErrors.increment();
    }

    /** Counts an error of a subscribing side. */
    public void subscribeError() {
        subscribeErrors.increment();
    }

    /** Whether {@code edge}'s WebSocket is subscribed now. */
    public void connected(String edge, boolean connected) {
        edges.get(edge).connected.set(connected ? 1 : 0);
    }

    /** Counts a reopened WebSocket to {@code edge}. */
    public void reconnected(String edge) {
        edges.get(edge).reconnects.increment();
    }

    @Override
    public void counted(DeliveryOutcome outcome, String edge, String channel, String eventId) {
        EdgeMeters m = edges.get(edge);
        if (m == null) {
            return;
        }
        m.outcomes.get(outcome).increment();
        if (outcome == DeliveryOutcome.LOST) {
            lossLog.warn("edge {} lost canary {} of {}: not delivered within {} ms of its acknowledgement", edge, eventId, channel, lossDeadlineMs);
        } else if (outcome == DeliveryOutcome.LATE) {
            lateLog.warn("edge {} delivered canary {} of {} after it was counted lost", edge, eventId, channel);
        }
    }

    @Override
    public void latency(String edge, long nanos) {
        EdgeMeters m = edges.get(edge);
        if (m != null) {
            m.latency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One edge's meters. */
    private static final class EdgeMeters {
        final Map<DeliveryOutcome, Counter> outcomes = new HashMap<>();
        final Timer latency;
        final AtomicInteger connected = new AtomicInteger();
        final Counter reconnects;

        EdgeMeters(MeterRegistry registry, String edge) {
            outcomes.put(DeliveryOutcome.RECEIVED, outcome(registry, edge, "received", "Canary event frames received from the edge, repeats included"));
            outcomes.put(DeliveryOutcome.LOST, outcome(registry, edge, "lost",
                    "Acknowledged canaries the edge did not deliver within audit.loss.deadline.ms; final, never taken back"));
            outcomes.put(DeliveryOutcome.LATE, outcome(registry, edge, "late", "Canaries the edge delivered after they were counted lost"));
            outcomes.put(DeliveryOutcome.DUPLICATED, outcome(registry, edge, "duplicated",
                    "Canaries the edge delivered more than once to the auditor's subscriber"));
            outcomes.put(DeliveryOutcome.OUT_OF_ORDER, outcome(registry, edge, "out.of.order",
                    "Canaries the edge delivered after one with a higher position"));
            latency = Timer.builder("herald.audit.latency").tag("edge", edge).publishPercentileHistogram()
                    .description("From the start of a canary's publish to its first receipt from the edge").register(registry);
            Gauge.builder("herald.audit.connected", connected, AtomicInteger::get).tag("edge", edge)
                    .description("1 while the auditor's WebSocket to the edge is subscribed, else 0").register(registry);
            reconnects = Counter.builder("herald.audit.reconnects").tag("edge", edge)
                    .description("WebSockets to the edge the auditor opened again after one dropped or failed").register(registry);
        }

        private static Counter outcome(MeterRegistry registry, String edge, String name, String description) {
            return Counter.builder("herald.audit." + name).tag("edge", edge).baseUnit("events").description(description).register(registry);
        }
    }
}
