package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.ExternalCommand;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald's metrics, alert rules and dashboard, checked by Prometheus's own tool against a running
 * {@code herald dev} (ingest, an edge and the delivery auditor) after some traffic:
 * {@code promtool check metrics} finds nothing in any {@code herald_*} series of either service's
 * {@code /metrics} (it does report the Kafka producer's {@code kafka_*} series of Micrometer's
 * Kafka binder on ingest: abbreviated units such as {@code _ns_total}, a {@code _count} gauge;
 * those are not Herald's names and are left as the binder makes them); the alert rules pass
 * {@code promtool check rules} and their unit tests ({@code promtool test rules}); and every metric
 * the rules and the Grafana dashboard query is one the services export.
 *
 * <p>Needs {@code promtool} (Debian's {@code prometheus}): skipped without it on a developer's
 * machine, failed in CI ({@link Promtool.Installed}).
 */
@ExtendWith(Promtool.Installed.class)
class PrometheusToolsTest {

    private static final Path DOCKER = Path.of("..", "docker").toAbsolutePath().normalize();
    private static final Path ALERTS = DOCKER.resolve("prometheus/alerts.yml");
    private static final Path ALERT_TESTS = DOCKER.resolve("prometheus/alerts.test.yml");
    private static final Path DASHBOARD = DOCKER.resolve("grafana/herald.json");
    private static final Pattern METRIC = Pattern.compile("\\b(herald_[a-z0-9_]+|process_[a-z0-9_]+)\\b");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path scrapes;
    static DevHerald dev;
    static String ingestScrape;
    static String edgeScrape;

    @BeforeAll
    static void startAndLoad() throws Exception {
        dev = DevHerald.start(dataDir);
        // traffic so that every meter has something: a subscriber, publishes, its channel among the busiest
        try (WsTestClient subscriber = WsTestClient.connect(dev.webSocketUrl())) {
            subscriber.subscribe("metrics.demo", null);
            assertThat(subscriber.next().get("op").asText()).isEqualTo("subscribed");
            for (int i = 0; i < 20; i++) {
                assertThat(HttpTestClient.post(dev.ingest() + "/v1/channels/metrics.demo/events", "{\"n\":" + i + "}",
                        "Content-Type", "application/json").statusCode()).isEqualTo(201);
            }
            subscriber.next(20);
            await("the busiest channels' meters and the auditor's receipts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String scrape = HttpTestClient.get("http://" + dev.edge() + "/metrics").body();
                        return scrape.contains("herald_edge_channel_delivered_bytes_total{channel=\"metrics.demo\"}")
                                && scrape.contains("herald_audit_received_events_total");
                    });
        }
        ingestScrape = HttpTestClient.get(dev.ingest() + "/metrics").body();
        edgeScrape = HttpTestClient.get("http://" + dev.edge() + "/metrics").body();
    }

    @AfterAll
    static void stop() {
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    void promtoolCheckMetricsReportsNothingForHeraldsOwnSeries() throws Exception {
        for (Map.Entry<String, String> scrape : Map.of("ingest", ingestScrape, "edge", edgeScrape).entrySet()) {
            assertThat(sampleNames(scrape.getValue())).as(scrape.getKey() + " exports Herald series").anyMatch(n -> n.startsWith("herald_"));
            Path file = scrapes.resolve(scrape.getKey() + ".prom");
            Files.writeString(file, scrape.getValue(), StandardCharsets.UTF_8);
            ExternalCommand.Result check = Promtool.checkMetrics(file);
            assertThat(check.output()).as(scrape.getKey() + ": promtool parsed the exposition").doesNotContain("error while linting");
            List<String> herald = check.output().lines().filter(l -> l.startsWith("herald_")).toList();
            assertThat(herald).as(scrape.getKey() + ": promtool's findings for herald_* series").isEmpty();
            List<String> others = check.output().lines().filter(l -> !l.isBlank() && !l.startsWith("kafka_")).toList();
            assertThat(others).as(scrape.getKey() + ": findings outside the Kafka client binder's series").isEmpty();
        }
    }

    @Test
    void alertRulesPassPromtoolCheckRulesAndTheirUnitTests() throws Exception {
        ExternalCommand.Result check = Promtool.run(DOCKER, "check", "rules", ALERTS.toString());
        assertThat(check.ok()).as(check.output()).isTrue();
        ExternalCommand.Result tests = Promtool.run(ALERT_TESTS.getParent(), "test", "rules", ALERT_TESTS.toString());
        assertThat(tests.ok()).as(tests.output()).isTrue();
        assertThat(tests.output()).contains("SUCCESS");
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsExported() throws IOException {
        Set<String> exported = new TreeSet<>(sampleNames(ingestScrape));
        exported.addAll(sampleNames(edgeScrape));

        JsonNode dashboard = Json.parse(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
        assertThat(dashboard.path("title").asText()).isEqualTo("Herald");
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("panel %s has queries", panel.path("title").asText()).isPositive();
            panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
        }
        Set<String> dashboardMetrics = metrics(queries);
        Set<String> alertMetrics = metrics(Files.readAllLines(ALERTS, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.strip().startsWith("#")).toList()); // the rules, not the comments
        for (Map.Entry<String, Set<String>> used : Map.of("dashboard", dashboardMetrics, "alert rules", alertMetrics).entrySet()) {
            Set<String> unknown = new TreeSet<>(used.getValue());
            unknown.removeAll(exported);
            assertThat(unknown).as("metrics the %s query that neither service exports", used.getKey()).isEmpty();
        }
        assertThat(dashboardMetrics).contains("herald_edge_publish_to_enqueue_seconds_bucket", "herald_edge_consumer_lag_seconds",
                "herald_edge_deliveries_total", "herald_edge_egress_bytes_total", "herald_ingest_publish_total",
                "herald_audit_lost_events_total", "herald_edge_channel_delivered_bytes_total");
    }

    /** The names of the samples of an exposition (histogram series with their suffixes). */
    private static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    private static Set<String> metrics(List<String> texts) {
        Set<String> names = new TreeSet<>();
        for (String text : texts) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
