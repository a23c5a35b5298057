package dev.herald.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor against real parts: a broker, an ingest and edges, over HTTP and WebSocket. A
 * healthy edge loses nothing; an edge that comes back (as a fresh one) while the auditor
 * reconnects live only has what it missed counted lost; one restarted with its store, which the
 * auditor resumes on, loses nothing.
 */
class DeliveryAuditorTest {

    private static final double RATE_PER_S = 20;

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static IngestServer ingest;
    static String topic;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        topic = "audit-" + UUID.randomUUID();
        ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", broker.bootstrapServers(), "topic", topic,
                "topic.partitions", "3", "http.port", "0", "auth.mode", "none")));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private static EdgeServer edge(String edgeId, int port) {
        return EdgeServer.start(new EdgeConfig(Map.of("bootstrap.servers", broker.bootstrapServers(), "topic", topic,
                "http.port", Integer.toString(port), "edge.id", edgeId, "data.dir", dir.resolve("edge-" + edgeId).toString(), "auth.mode", "none")));
    }

    private static DeliveryAuditor auditor(EdgeServer edge, PrometheusMeterRegistry registry, Duration deadline, boolean resume) {
        Map<String, String> settings = new HashMap<>(Map.of(AuditConfig.INGEST_URL, ingest.baseUrl(),
                AuditConfig.EDGE_URLS, edge.webSocketUrl(), AuditConfig.RATE_PER_S, Double.toString(RATE_PER_S),
                AuditConfig.LOSS_DEADLINE_MS, Long.toString(deadline.toMillis()), AuditConfig.RESUME, Boolean.toString(resume),
                AuditConfig.CHANNEL, "herald.audit.test-" + UUID.randomUUID()));
        return DeliveryAuditor.start(new AuditConfig(settings), registry);
    }

    private static double acked(PrometheusMeterRegistry registry) {
        return registry.get("herald.audit.published").tag("result", "acked").counter().count();
    }

    private static RequiredSearch edgeMeter(PrometheusMeterRegistry registry, String name, String edge) {
        return registry.get(name).tag("edge", edge);
    }

    @Test
    void aHealthyEdgeLosesNothingAndEveryCanaryIsTimed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Duration deadline = Duration.ofSeconds(3);
        try (EdgeServer edge = edge("healthy", 0); DeliveryAuditor auditor = auditor(edge, registry, deadline, true)) {
            String name = auditor.edges().get(0);
            DeliveryChecker checker = auditor.checker();
            await().atMost(Duration.ofSeconds(30)).until(() -> checker.report(name).received() >= 40);
            // every canary acknowledged a deadline before the end of this wait has been judged
            await().during(deadline.plusMillis(500)).atMost(deadline.plusSeconds(10)).until(() -> checker.report(name).lost() == 0);

            EdgeReport report = checker.report(name);
            assertThat(report.received()).isGreaterThanOrEqualTo(60);
            assertThat(report.duplicated()).isZero();
            assertThat(report.outOfOrder()).isZero();
            assertThat(report.late()).isZero();
            assertThat(report.latencySamples()).isGreaterThanOrEqualTo(60);
            assertThat(report.maxLatencyNanos()).isBetween(1L, deadline.toNanos());
            assertThat(edgeMeter(registry, "herald.audit.latency", name).timer().count()).isEqualTo(report.latencySamples());
            assertThat(edgeMeter(registry, "herald.audit.connected", name).gauge().value()).isEqualTo(1);
            assertThat(registry.get("herald.audit.published").tag("result", "failed").counter().count()).isZero();

            String scrape = registry.scrape();
            assertThat(scrape).contains("# HELP herald_audit_lost_events_total ")
                    .contains("herald_audit_lost_events_total{edge=\"" + name + "\"} 0.0")
                    .contains("herald_audit_duplicated_events_total{edge=\"" + name + "\"} 0.0")
                    .contains("herald_audit_out_of_order_events_total{edge=\"" + name + "\"} 0.0")
                    .contains("herald_audit_latency_seconds_bucket{edge=\"" + name + "\"");
        }
    }

    @Test
    void canariesAFreshEdgeOnTheSamePortNeverSawAreCountedLostWhenTheAuditorReconnectsLiveOnly() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Duration deadline = Duration.ofMillis(1_500);
        EdgeServer first = edge("first", 0);
        int port = first.port();
        try (DeliveryAuditor auditor = auditor(first, registry, deadline, false)) {
            String name = auditor.edges().get(0);
            DeliveryChecker checker = auditor.checker();
            await().atMost(Duration.ofSeconds(30)).until(() -> checker.report(name).received() >= 10);

            first.close();
            double ackedWhenDown = acked(registry);
            await().atMost(Duration.ofSeconds(10)).until(() -> acked(registry) >= ackedWhenDown + 10);
            double ackedWhileDown = acked(registry) - ackedWhenDown;
            // a new edge id: a new consumer group, which starts at the log's end, after every canary published meanwhile
            try (EdgeServer second = edge("second", port)) {
                assertThat(second.port()).isEqualTo(port);
                long receivedBefore = checker.report(name).received();
                await().atMost(Duration.ofSeconds(20)).until(() -> checker.report(name).received() >= receivedBefore + 10);
                // the auditor is subscribed again: one deadline on, every canary it missed has been judged
                await().pollDelay(deadline.plusMillis(300)).atMost(deadline.plusSeconds(1)).until(() -> true);

                EdgeReport report = checker.report(name);
                // at least those acknowledged while no edge ran; less two that may have been delivered before the close
                assertThat(report.lost()).isPositive().isGreaterThanOrEqualTo((long) ackedWhileDown - 2);
                assertThat(report.late()).isZero();
                assertThat(report.duplicated()).isZero();
                assertThat(report.outOfOrder()).isZero();
                assertThat(edgeMeter(registry, "herald.audit.lost", name).counter().count()).isEqualTo(report.lost());
                assertThat(edgeMeter(registry, "herald.audit.reconnects", name).counter().count()).isGreaterThanOrEqualTo(1);
                // what the second edge delivers, it delivers in full
                long lostAfterReconnect = report.lost();
                await().during(deadline.plusMillis(500)).atMost(deadline.plusSeconds(10))
                        .until(() -> checker.report(name).lost() == lostAfterReconnect);
            }
        }
    }

    @Test
    void anEdgeRestartedWithItsStoreLosesNothingForAnAuditorThatResumes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Duration deadline = Duration.ofSeconds(5);
        EdgeServer first = edge("restarted", 0);
        int port = first.port();
        try (DeliveryAuditor auditor = auditor(first, registry, deadline, true)) {
            String name = auditor.edges().get(0);
            DeliveryChecker checker = auditor.checker();
            await().atMost(Duration.ofSeconds(30)).until(() -> checker.report(name).received() >= 10);

            first.close();
            double ackedWhenDown = acked(registry);
            await().atMost(Duration.ofSeconds(10)).until(() -> acked(registry) >= ackedWhenDown + 10);
            try (EdgeServer again = edge("restarted", port)) {
                assertThat(again.port()).isEqualTo(port);
                long receivedBefore = checker.report(name).received();
                await().atMost(Duration.ofSeconds(20)).until(() -> checker.report(name).received() >= receivedBefore + 20);
                await().during(deadline.plusMillis(500)).atMost(deadline.plusSeconds(10)).until(() -> checker.report(name).lost() == 0);

                EdgeReport report = checker.report(name);
                assertThat(report.duplicated()).isZero();
                assertThat(report.outOfOrder()).isZero();
                assertThat(report.late()).isZero();
            }
        }
    }
}
