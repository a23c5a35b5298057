package dev.herald.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.herald.audit.AuditConfig;
import dev.herald.audit.DeliveryAuditor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald audit}: a delivery auditor on its own. It publishes canary events through an
 * ingest, subscribes to them through each edge, and serves what it finds (lost, late,
 * duplicated, out of order, latency, per edge) on {@code /metrics}. {@code --ingest},
 * {@code --edge} and {@code --rate} win over {@code --config} and {@code --set}.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Run a delivery auditor: canary events through ingest and each edge; lost, duplicated, out-of-order "
                + "and latency per edge on /metrics. Settings: herald config audit.")
final class AuditCommand implements Callable<Integer> {

    @Option(names = "--ingest", paramLabel = "URL", description = "Ingest's base URL (audit.ingest.url), e.g. http://127.0.0.1:8080.")
    String ingest;

    @Option(names = "--edge", paramLabel = "URL", split = ",",
            description = "An edge's WebSocket or base URL (audit.edge.urls), e.g. ws://127.0.0.1:8081/v1/ws. Repeatable, or comma-separated.")
    List<String> edges;

    @Option(names = "--rate", paramLabel = "N", description = "Canaries per second (audit.rate.per.s).")
    Double rate;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address /metrics listens on (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "8082", description = "Port of /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws InterruptedException {
        AuditConfig config = new AuditConfig(values(System.getenv()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEndpoint metrics = MetricsEndpoint.start(metricsHost, metricsPort, registry);
        DeliveryAuditor auditor;
        try {
            auditor = DeliveryAuditor.start(config, registry);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        System.out.println("herald audit: " + config.ratePerSecond() + " canaries/s to " + auditor.channel() + " through "
                + config.ingestUrl() + ", received through " + String.join(", ", auditor.edges()) + "; metrics on "
                + metrics.baseUrl() + "/metrics");
        Lifecycle.runUntilStopped(metrics, auditor);
        return 0;
    }

    /** The settings: file, environment and {@code --set}, then the options that name a setting. */
    Map<String, String> values(Map<String, String> env) {
        Map<String, String> values = new TreeMap<>(ConfigSources.merge(AuditConfig.CONFIG_DEF.names(), settings.configFile, env,
                settings.overrides));
        if (ingest != null) {
            values.put(AuditConfig.INGEST_URL, ingest);
        }
        if (edges != null && !edges.isEmpty()) {
            values.put(AuditConfig.EDGE_URLS, String.join(",", edges));
        }
        if (rate != null) {
            values.put(AuditConfig.RATE_PER_S, rate.toString());
        }
        return values;
    }
}
