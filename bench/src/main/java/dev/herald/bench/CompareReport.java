package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.signed;
import static dev.herald.bench.Numbers.verdict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The figures of one {@code bench compare} run, judged against the targets, as the compare
 * section of {@code docs/benchmarks.md} (with its plots) and as the console's tables.
 *
 * <p>Targets: Herald's deliveries/s at least {@value #SOCKET_IO_FACTOR} times Socket.IO's at an
 * equal or better p99: Socket.IO's fastest step of the sweep (most deliveries/s, whatever it
 * missed) against Herald's fastest step among those that missed nothing and whose p99 is no worse;
 * and
 * Herald's {@code seed} p99 at most {@value #LATENCY_TARGET_MS} ms above Kafka's
 * {@code EndToEndLatency} p99.
 */
final class CompareReport {

    static final double SOCKET_IO_FACTOR = 3.0;
    static final double LATENCY_TARGET_MS = 3.0;
    private static final String DELIVERIES_PNG = "compare-deliveries.png";
    private static final String P99_PNG = "compare-p99.png";
    private static final String SEED_PNG = "compare-seed-latency.png";

    /** Kafka's own tools on the run's broker. */
    record Kafka(ProducerPerfResult produce, ConsumerPerfResult consume, EndToEndResult endToEnd) {
    }

    /**
     * @param sweeps system to its fanout sweep, in subscriber order
     * @param seeds  system to its {@code seed} run
     */
    record Figures(Kafka kafka, Map<String, List<ScenarioResult>> sweeps, Map<String, ScenarioResult> seeds,
                   InterferenceLog interference) {
    }

    private final BenchRun run;
    private final Figures figures;
    private final Path plotDir;
    private final Path reportDir;

    /**
     * @param plotDir   where {@link #plot} writes the PNGs
     * @param reportDir where the Markdown goes, so that it can link the plots relatively; {@code null} for none
     */
    CompareReport(BenchRun run, Figures figures, Path plotDir, Path reportDir) {
        this.run = run;
        this.figures = figures;
        this.plotDir = plotDir.toAbsolutePath();
        this.reportDir = reportDir;
    }

    /** Draws the plots into the plot folder. */
    void plot() throws IOException {
        ComparePlots.deliveries(plotDir.resolve(DELIVERIES_PNG), figures.sweeps());
        ComparePlots.p99(plotDir.resolve(P99_PNG), figures.sweeps());
        Map<String, Histogram> seedLatency = new LinkedHashMap<>();
        figures.seeds().forEach((name, r) -> seedLatency.put(name, r.histogram()));
        ComparePlots.latencyCdf(plotDir.resolve(SEED_PNG), "seed: publish-to-receipt latency, 2,000 subscribers, 30 events/s",
                seedLatency);
    }

    /** The step of a sweep with the most deliveries/s, whatever it missed (a peer's losses are its own figures). */
    static ScenarioResult fastest(List<ScenarioResult> sweep) {
        return sweep.stream().max(Comparator.comparingDouble(ScenarioResult::deliveriesPerSec)).orElseThrow();
    }

    /** The step with the most deliveries/s among those that missed and repeated nothing, with p99 at most {@code p99Ms}. */
    static ScenarioResult bestWithin(List<ScenarioResult> sweep, double p99Ms) {
        return sweep.stream().filter(r -> r.deliveredRatio() >= 1.0 && r.duplicates() == 0 && r.latency().p99Ms() <= p99Ms)
                .max(Comparator.comparingDouble(ScenarioResult::deliveriesPerSec)).orElse(null);
    }

    String markdown() {
        return "## Herald beside Kafka, `ws` and Socket.IO\n\n" + figures.interference().markdownWarning() + run.runTable()
                + figures.interference().markdownRow() + "\n"
                + "One run: Kafka's own tools on the broker first, then each system in turn serves the same load from the "
                + "same client (`WsLoad`, 2 threads; 32 publishers over HTTP/1.1), one server each: Herald = ingest + one edge "
                + "JVM on the broker above; `ws` = one Node process; Socket.IO = one Node process with the Redis Streams "
                + "adapter and its Redis (`bench/peers`). Latency is from the time an event was due to be published to its "
                + "receipt by a subscriber. Server CPU is the CPU time of the serving processes per delivery, from the first "
                + "publish to the end of the drain: Herald's edge (its ingest and the broker share the benchmark's JVM and are "
                + "not counted), the `ws` Node process, Socket.IO's Node process and Redis.\n\n"
                + "### Kafka, the floor\n\n" + kafkaTable() + "\n"
                + "### Fanout sweep\n\n" + sweepIntro() + "\n\n" + sweepTable() + "\n"
                + "![deliveries/s against subscribers](" + link(DELIVERIES_PNG) + ")\n\n"
                + "![p99 against subscribers](" + link(P99_PNG) + ")\n\n"
                + "### `seed`: 2,000 subscribers of one channel, 30 events/s, 1 KiB\n\n" + seedIntro() + seedTable() + "\n"
                + "![seed latency distribution](" + link(SEED_PNG) + ")\n\n"
                + "### Targets\n\n" + targetTable() + seedFloorNote();
    }

    /**
     * When Herald's {@code seed} misses the latency target: the shortest one event's fan-out can
     * last, from the edge's own CPU time per delivery alone (the client's reads come on top).
     */
    private String seedFloorNote() {
        ScenarioResult seed = figures.seeds().get("herald");
        if (seed == null || Double.isNaN(seed.serverCpuMicrosPerDelivery())) {
            return "";
        }
        if (seedGapMs(seed) <= LATENCY_TARGET_MS) {
            return "";
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        double us = seed.serverCpuMicrosPerDelivery();
        int subscribers = seed.settings().subscribers();
        return "\nWhy the latency target is out of reach on this machine: one `seed` event is " + num(subscribers)
                + " socket writes. At the edge's " + fmt(us) + " µs of CPU per delivery (mostly kernel time: on loopback the "
                + "write runs the receiver's TCP too) that is " + fmt(us * subscribers / 1_000.0) + " ms of CPU, so even on all "
                + cpus + " CPUs with nothing else running, the last subscriber's receipt comes at least "
                + fmt(FanoutCpu.fanOutFloorMs(us, subscribers, cpus)) + " ms after the first, before the client's own reads, the broker and "
                + "ingest take their share." + peerCpuNote() + wsSeedNote() + "\n";
    }

    /** The peers' own server CPU per delivery in {@code seed}, for the same arithmetic. */
    private String peerCpuNote() {
        StringBuilder note = new StringBuilder();
        figures.seeds().forEach((name, r) -> {
            if (!name.equals("herald") && !Double.isNaN(r.serverCpuMicrosPerDelivery())) {
                note.append(note.length() == 0 ? " The peers' servers per delivery: " : ", ")
                        .append('`').append(name).append("` ").append(fmt(r.serverCpuMicrosPerDelivery())).append(" µs");
            }
        });
        return note.length() == 0 ? "" : note.append('.').toString();
    }

    /** The bare broadcast server's own {@code seed} p99 beside the same bound: the floor without any log. */
    private String wsSeedNote() {
        ScenarioResult ws = figures.seeds().get("ws");
        if (ws == null || ws.deliveredRatio() < 1.0) {
            return "";
        }
        return " The `ws` peer, which keeps no log and has no Kafka on its path, serves the same load at p99 "
                + fmt(ws.latency().p99Ms()) + " ms, " + signed(seedGapMs(ws)) + " ms from `EndToEndLatency`'s p99: "
                + (seedGapMs(ws) > LATENCY_TARGET_MS ? "outside the bound as well." : "within the bound.");
    }

    String console() {
        return figures.interference().consoleHeader() + kafkaTable() + "\n" + sweepTable() + "\n" + seedTable() + "\n" + targetTable()
                + "\nplots in " + plotDir + "\n";
    }

    private String link(String png) {
        Path file = plotDir.resolve(png);
        return reportDir == null ? file.toString() : reportDir.toAbsolutePath().relativize(file).toString();
    }

    private String kafkaTable() {
        Kafka k = figures.kafka();
        return "| Kafka tool (acks=all, idempotent, 1 KiB records) | Figure |\n|---|---|\n"
                + "| `ProducerPerformance --throughput -1` | " + num(k.produce().recordsPerSec()) + " records/s ("
                + fmt(k.produce().mbPerSec()) + " MB/s) |\n"
                + "| `ConsumerPerformance`, one consumer | " + num(k.consume().recordsPerSec()) + " records/s ("
                + fmt(k.consume().mbPerSec()) + " MB/s) |\n"
                + "| `EndToEndLatency` p50 / p99 / p99.9 | " + k.endToEnd().p50Ms() + " / " + k.endToEnd().p99Ms() + " / "
                + k.endToEnd().p999Ms() + " ms |\n";
    }

    private String sweepIntro() {
        List<ScenarioResult> steps = figures.sweeps().values().iterator().next();
        ScenarioSettings first = steps.get(0).settings();
        ScenarioSettings s = steps.get(steps.size() - 1).settings();
        String warmups = first.warmupSeconds() == s.warmupSeconds() ? s.warmupSeconds() + " s warm-up per step"
                : s.warmupSeconds() + " s warm-up per step (" + first.warmupSeconds() + " s before each system's first)";
        return "One channel, " + num(s.rate()) + " events/s, " + num(s.payloadBytes()) + "-byte payloads, " + s.seconds()
                + " s after a " + warmups + "; offered deliveries/s = subscribers × rate.";
    }

    private String sweepTable() {
        StringBuilder t = new StringBuilder("| Subscribers | System | Deliveries/s (offered) | delivered_ratio | duplicates | "
                + "slow closes | p50 | p99 | p99.9 ms | server CPU µs/delivery |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int steps = figures.sweeps().values().iterator().next().size();
        for (int i = 0; i < steps; i++) {
            for (Map.Entry<String, List<ScenarioResult>> e : figures.sweeps().entrySet()) {
                ScenarioResult r = e.getValue().get(i);
                t.append("| ").append(num(r.settings().subscribers())).append(" | ").append(e.getKey()).append(" | ")
                        .append(num(r.deliveriesPerSec())).append(" (").append(num((long) r.settings().subscribers() * r.settings().rate()))
                        .append(") | ").append(ratio(r.deliveredRatio())).append(" | ").append(num(r.duplicates())).append(" | ")
                        .append(num(r.slowConsumerCloses())).append(" | ").append(fmt(r.latency().p50Ms())).append(" | ").append(fmt(r.latency().p99Ms())).append(" | ")
                        .append(fmt(r.latency().p999Ms())).append(" | ").append(cpu(r)).append(" |\n");
            }
        }
        return t.toString();
    }

    private String seedIntro() {
        ScenarioSettings s = figures.seeds().values().iterator().next().settings();
        return s.seconds() + " s after a " + s.warmupSeconds() + " s warm-up per system.\n\n";
    }

    private String seedTable() {
        StringBuilder t = new StringBuilder("| System | connected | delivered_ratio | duplicates | p50 | p95 | p99 | p99.9 | max ms "
                + "| Deliveries/s | server CPU µs/delivery |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        figures.seeds().forEach((name, r) -> t.append("| ").append(name).append(" | ").append(ratio(r.connectedRatio())).append(" | ")
                .append(ratio(r.deliveredRatio())).append(" | ").append(num(r.duplicates())).append(" | ")
                .append(fmt(r.latency().p50Ms())).append(" | ").append(fmt(r.latency().p95Ms())).append(" | ")
                .append(fmt(r.latency().p99Ms())).append(" | ").append(fmt(r.latency().p999Ms())).append(" | ")
                .append(fmt(r.latency().maxMs())).append(" | ").append(num(r.deliveriesPerSec())).append(" | ").append(cpu(r))
                .append(" |\n"));
        EndToEndResult e2e = figures.kafka().endToEnd();
        t.append("| Kafka `EndToEndLatency` | | | | ").append(e2e.p50Ms()).append(" | | ").append(e2e.p99Ms()).append(" | ")
                .append(e2e.p999Ms()).append(" | | | |\n");
        return t.toString();
    }

    private String targetTable() {
        StringBuilder t = new StringBuilder("| Target | Figures | Verdict |\n|---|---|---|\n");
        List<ScenarioResult> heraldSweep = figures.sweeps().get("herald");
        List<ScenarioResult> sioSweep = figures.sweeps().get("socket.io");
        if (heraldSweep != null && sioSweep != null) {
            ScenarioResult s = fastest(sioSweep);
            ScenarioResult h = bestWithin(heraldSweep, s.latency().p99Ms());
            String sio = "Socket.IO " + num(s.deliveriesPerSec()) + "/s at p99 " + fmt(s.latency().p99Ms()) + " ms, delivered "
                    + ratio(s.deliveredRatio()) + " (" + num(s.settings().subscribers()) + " subscribers)";
            String fig;
            boolean met;
            if (h == null) {
                fig = sio + "; no Herald step delivered everything at that p99 or better";
                met = false;
            } else {
                double factor = h.deliveriesPerSec() / s.deliveriesPerSec();
                fig = "Herald " + num(h.deliveriesPerSec()) + "/s at p99 " + fmt(h.latency().p99Ms()) + " ms ("
                        + num(h.settings().subscribers()) + " subscribers); " + sio + ": "
                        + String.format(Locale.ROOT, "%.2f×", factor)
                        + (h == fastest(heraldSweep) && h.deliveriesPerSec() >= 0.99 * offered(h)
                        ? "; Herald kept up with all it was offered, so this is a floor on its figure" : "");
                met = factor >= SOCKET_IO_FACTOR;
            }
            t.append("| Deliveries/s ≥ ").append(fmt(SOCKET_IO_FACTOR)).append("× Socket.IO's at equal or better p99 | ").append(fig)
                    .append(" | ").append(verdict(met)).append(" |\n");
        }
        ScenarioResult seed = figures.seeds().get("herald");
        if (seed != null) {
            double gap = seedGapMs(seed);
            t.append("| `seed` p99 within ").append(fmt(LATENCY_TARGET_MS)).append(" ms of `EndToEndLatency` p99 | ")
                    .append(fmt(seed.latency().p99Ms())).append(" ms vs ").append(figures.kafka().endToEnd().p99Ms()).append(" ms: ")
                    .append(signed(gap)).append(" ms | ").append(verdict(gap <= LATENCY_TARGET_MS && seed.deliveredRatio() >= 1.0))
                    .append(" |\n");
        }
        return t.toString();
    }

    /** {@code seed}'s p99 minus Kafka's {@code EndToEndLatency} p99, ms. */
    private double seedGapMs(ScenarioResult seed) {
        return seed.latency().p99Ms() - figures.kafka().endToEnd().p99Ms();
    }

    /** The server processes' CPU time per delivery, or "?" when unknown. */
    private static String cpu(ScenarioResult r) {
        double us = r.serverCpuMicrosPerDelivery();
        return Double.isNaN(us) ? "?" : fmt(us);
    }

    private static double offered(ScenarioResult r) {
        return (double) r.settings().subscribers() * r.settings().rate();
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.4f", r);
    }
}
