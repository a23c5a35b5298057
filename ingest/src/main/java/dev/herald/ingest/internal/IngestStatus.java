package dev.herald.ingest.internal;

import static dev.herald.server.admin.StatusMaps.ordered;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.server.admin.MeterSampler;
import dev.herald.server.admin.MeterWindow;

/**
 * Ingest's figures for its admin page ({@code /admin/status}), from its own meters over the
 * sampler's last few seconds: publishes a second by result (both APIs; results that never
 * happened left out but {@code created}), NDJSON batch lines a second, the Kafka acknowledgement
 * latency's p50 and p99 over the window, refusals by limits and of tokens, and whether the log is
 * reachable. Never blocks.
 */
final class IngestStatus {

    private final String ingestId;
    private final LogMonitor monitor;
    private final MeterSampler sampler;

    IngestStatus(String ingestId, LogMonitor monitor, MeterSampler sampler) {
        this.ingestId = ingestId;
        this.monitor = monitor;
        this.sampler = sampler;
    }

    /** The status, as the admin page reads it (see the page's {@code ingest} function). */
    Map<String, Object> status() {
        MeterWindow w = sampler.window();
        String notReady = monitor.notReadyReason();
        Map<String, Double> totals = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        Map<String, Double> ratesByResult = w.ratesBy("herald.ingest.publish", "result");
        w.totalsBy("herald.ingest.publish", "result").forEach((result, total) -> {
            if (total > 0 || result.equals("created")) {
                totals.put(result, total);
                rates.put(result, ratesByResult.getOrDefault(result, 0.0));
            }
        });
        return ordered(
                "service", "ingest",
                "id", ingestId,
                "ready", notReady == null,
                "notReadyReason", notReady,
                "windowSeconds", w.seconds(),
                "publishedPerSecond", w.rate("herald.ingest.publish"),
                "publishesPerSecond", rates,
                "publishTotals", totals,
                "batchLinesPerSecond", w.rate("herald.ingest.publish", "api", "batch"),
                "publishLatency", ordered("p50Seconds", w.quantile("herald.ingest.publish.ack", 0.5),
                        "p99Seconds", w.quantile("herald.ingest.publish.ack", 0.99)),
                "limitsRefusedPerSecond", w.ratesBy("herald.limits.refused", "reason"),
                "authRefusalsPerSecond", w.rate("herald.ingest.auth.refusals"));
    }
}
