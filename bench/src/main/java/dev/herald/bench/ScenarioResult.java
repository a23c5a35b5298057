package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

/**
 * What one scenario run measured, as the console's table and as the {@code --json} document.
 *
 * @param target          what was driven: {@code herald}, {@code ws} or {@code socket.io}
 * @param settings        the run's sizes
 * @param connected       subscribers connected and subscribed to all their channels
 * @param published       events ingest acknowledged (201) during the measurement
 * @param failed          events it did not
 * @param expected        receipts expected: each acknowledged event once to each connected subscriber of its channel
 * @param delivered       of those, the ones that arrived (distinct events per connection)
 * @param duplicates      events a connection received again
 * @param receipts        every event frame received during the measurement and the drain, repeats included
 * @param seconds         from the first publish to the last receipt
 * @param latency         publish-to-receipt latency of every receipt, from the event's due time
 * @param histogram       those latencies, nanoseconds, for plots
 * @param bytesRead       bytes the subscribers read from the edges meanwhile (frames and their headers)
 * @param slowConsumerCloses connections the edges closed as too slow (4008) meanwhile
 * @param resumes         how subscribers came back from the run's disturbance
 * @param serverCpu       CPU time of the target's server processes from the first publish to the
 *                        end of the drain ({@link ProcessCpu}), or {@code null} if unknown
 */
record ScenarioResult(String target, ScenarioSettings settings, int connected, long published, long failed, long expected, long delivered,
                      long duplicates, long receipts, double seconds, LatencySummary latency, Histogram histogram, long bytesRead,
                      long slowConsumerCloses, Resumes resumes, Duration serverCpu) {

    /**
     * Subscribers coming back from a disturbance.
     *
     * @param disturbance  what disturbed the run
     * @param reconnects   sockets subscribers opened anew after theirs ended or was dropped, refused attempts included
     * @param redeliveries events a new socket brought that an earlier socket of the subscriber had
     *                     brought (at-least-once allows them; an exact resume has none)
     * @param notRecovered resumes the edges refused ({@code "recovered":false})
     */
    record Resumes(Disturbance.Kind disturbance, long reconnects, long redeliveries, long notRecovered) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    double connectedRatio() {
        return (double) connected / settings.subscribers();
    }

    /** Delivered over expected; 1.0 when nothing was expected. */
    double deliveredRatio() {
        return expected == 0 ? 1.0 : (double) delivered / expected;
    }

    double deliveriesPerSec() {
        return receipts / seconds;
    }

    /** Bytes the edges wrote to the subscribers over the payload bytes those frames delivered. */
    double overheadRatio() {
        return receipts == 0 ? 0 : (double) bytesRead / ((double) receipts * settings.payloadBytes());
    }

    double egressBytesPerSec() {
        return bytesRead / seconds;
    }

    /** The server processes' CPU time per receipt, microseconds; NaN if unknown. */
    double serverCpuMicrosPerDelivery() {
        return serverCpu == null || receipts == 0 ? Double.NaN : serverCpu.toNanos() / 1_000.0 / receipts;
    }

    /** The {@code --json} document; its keys are what {@code --assert} paths name. */
    JsonNode json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", settings.scenario());
        m.put("target", target);
        m.put("subscribers", settings.subscribers());
        m.put("edges", settings.edges());
        m.put("channels", settings.channels());
        m.put("channels_per_subscriber", settings.channelsPerSubscriber());
        m.put("rate", settings.rate());
        m.put("payload_bytes", settings.payloadBytes());
        m.put("seconds", settings.seconds());
        m.put("connected_ratio", connectedRatio());
        m.put("published", published);
        m.put("failed_publishes", failed);
        m.put("expected_receipts", expected);
        m.put("delivered_ratio", deliveredRatio());
        m.put("duplicates", duplicates);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("p50", latency.p50Ms());
        l.put("p95", latency.p95Ms());
        l.put("p99", latency.p99Ms());
        l.put("p999", latency.p999Ms());
        l.put("max", latency.maxMs());
        m.put("latency_ms", l);
        m.put("deliveries_per_sec", deliveriesPerSec());
        m.put("overhead_ratio", overheadRatio());
        m.put("edge_egress_bytes_per_sec", egressBytesPerSec());
        m.put("slow_consumer_closes", slowConsumerCloses);
        double cpu = serverCpuMicrosPerDelivery();
        m.put("server_cpu_us_per_delivery", Double.isNaN(cpu) ? null : cpu);
        m.put("disturbance", resumes.disturbance().name().toLowerCase(Locale.ROOT));
        m.put("reconnects", resumes.reconnects());
        m.put("redeliveries", resumes.redeliveries());
        m.put("not_recovered", resumes.notRecovered());
        return JSON.valueToTree(m);
    }

    /** The console's table. */
    String table() {
        StringBuilder t = new StringBuilder();
        t.append("| ").append(settings.scenario()).append(" | ").append(target).append(" |\n|---|---:|\n");
        row(t, "subscribers (edges)", num(settings.subscribers()) + " (" + settings.edges() + ")");
        row(t, "channels (per subscriber)", num(settings.channels()) + " (" + settings.channelsPerSubscriber() + ")");
        row(t, "rate, payload, seconds", num(settings.rate()) + " events/s, " + num(settings.payloadBytes()) + " B, "
                + settings.seconds() + " s");
        row(t, "connected_ratio", ratio(connectedRatio()));
        row(t, "published (failed)", num(published) + " (" + num(failed) + ")");
        row(t, "delivered_ratio", ratio(deliveredRatio()) + " (" + num(delivered) + " of " + num(expected) + ")");
        row(t, "duplicates", num(duplicates));
        row(t, "latency p50 / p95 / p99 / p99.9 / max", fmt(latency.p50Ms()) + " / " + fmt(latency.p95Ms()) + " / "
                + fmt(latency.p99Ms()) + " / " + fmt(latency.p999Ms()) + " / " + fmt(latency.maxMs()) + " ms");
        row(t, "deliveries_per_sec", num(deliveriesPerSec()));
        row(t, "overhead_ratio", fmt(overheadRatio()));
        row(t, "edge_egress_bytes_per_sec", num(egressBytesPerSec()));
        row(t, "slow_consumer_closes", num(slowConsumerCloses));
        double cpu = serverCpuMicrosPerDelivery();
        row(t, "server_cpu_us_per_delivery", Double.isNaN(cpu) ? "unknown" : fmt(cpu));
        if (resumes.disturbance() != Disturbance.Kind.NONE) {
            row(t, "reconnects (resumes refused)", num(resumes.reconnects()) + " (" + num(resumes.notRecovered()) + ")");
            row(t, "redeliveries (on a later socket)", num(resumes.redeliveries()));
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String name, String value) {
        t.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.4f", r);
    }
}
