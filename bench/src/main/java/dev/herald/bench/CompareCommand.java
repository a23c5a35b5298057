package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench compare}: Herald, raw Kafka, the plain {@code ws} peer and Socket.IO with its Redis
 * Streams adapter, measured in one run on one machine with the same client load. Kafka's own
 * tools give the floor; then each system in turn serves the same fanout sweep (one channel,
 * {@code --subscribers} steps, {@code --rate} events/s) and the {@code seed} workload, one server
 * each (Herald: one edge; Socket.IO: one process and its Redis). Writes the report
 * ({@link CompareReport}) and its PNG plots ({@link ComparePlots}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Herald beside raw Kafka, a plain Node ws server and Socket.IO with its Redis Streams adapter: "
                + "the same fanout sweep and seed workload against each, in one run, with plots."})
final class CompareCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;

    @Option(names = "--subscribers", split = ",", paramLabel = "N,N,...", defaultValue = "500,1000,2000,4000,6000",
            description = "The sweep's subscriber counts, one channel (default: ${DEFAULT-VALUE}).")
    private List<Integer> subscribers;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100", description = "The sweep's events/s (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--payload-bytes", paramLabel = "B", defaultValue = "256",
            description = "The sweep's payload size (default: ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "10",
            description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup-seconds", paramLabel = "N", defaultValue = "5",
            description = "Publishing before each measurement, not counted (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--first-warmup-seconds", paramLabel = "N", defaultValue = "30",
            description = "Publishing before each system's first sweep step, not counted, in place of --warmup-seconds: a "
                    + "server just started has its per-event code still to compile (the JVM's JIT, V8's) (default: ${DEFAULT-VALUE}).")
    private int firstWarmupSeconds;

    @Option(names = "--seed-warmup-seconds", paramLabel = "N", defaultValue = "30",
            description = "Publishing before each system's seed measurement, not counted: the latency target's run gets "
                    + "the JIT (the JVM's and V8's) done with the per-event code first (default: ${DEFAULT-VALUE}).")
    private int seedWarmupSeconds;

    @Option(names = "--targets", split = ",", paramLabel = "T,T,...", defaultValue = "herald,ws,socket.io",
            description = "Systems to compare (default: ${DEFAULT-VALUE}).")
    private List<String> targets;

    @Option(names = "--raw-records", paramLabel = "N", defaultValue = "500000",
            description = "Records of the raw ProducerPerformance and ConsumerPerformance runs (default: ${DEFAULT-VALUE}).")
    private long rawRecords;

    @Option(names = "--end-to-end-records", paramLabel = "N", defaultValue = "5000",
            description = "Records of Kafka's EndToEndLatency (default: ${DEFAULT-VALUE}).")
    private int endToEndRecords;

    @Option(names = "--peers-dir", paramLabel = "DIR", defaultValue = "bench/peers",
            description = "Where the peers are installed (default: ${DEFAULT-VALUE}).")
    private Path peersDir;

    @Option(names = "--plots", paramLabel = "DIR",
            description = "Where the PNG plots go (default: img/ beside --out, else target/bench-plots).")
    private Path plots;

    @Mixin
    private BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        for (String t : targets) {
            if (!t.equals("herald") && !PeerServers.NAMES.contains(t)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--targets: herald, ws or socket.io, not " + t);
            }
        }
        BenchOptions.Measured<CompareReport.Figures> measured = options.measureOnKafka(this::measure);
        Path plotDir = plots != null ? plots : options.outFolder().map(f -> f.resolve("img")).orElse(Path.of("target", "bench-plots"));
        CompareReport report = new CompareReport(measured.run(), measured.figures(), plotDir, options.outFolder().orElse(null));
        report.plot();
        options.publish("compare", report.console(), report.markdown());
        return 0;
    }

    /** Kafka's own tools on {@code kafka} first, then each target's sweep and {@code seed}. */
    private CompareReport.Figures measure(BenchBroker kafka, String runId) throws IOException, InterruptedException {
        InterferenceLog interference = new InterferenceLog();
        RawKafkaBaseline raw = new RawKafkaBaseline(kafka, PARTITIONS, runId);
        raw.warmUpBroker(1, rawRecords);
        ProducerPerfResult produce = interference.measure("ProducerPerformance", () -> raw.maxThroughput(0, rawRecords));
        ConsumerPerfResult consume = interference.measure("ConsumerPerformance", () -> raw.readBack(rawRecords));
        EndToEndResult e2e = interference.measure("EndToEndLatency",
                () -> raw.endToEnd(endToEndRecords, RawKafkaBaseline.RECORD_BYTES));
        progress("Kafka: produce %,.0f records/s, consume %,.0f records/s, EndToEndLatency p99 %d ms", produce.recordsPerSec(),
                consume.recordsPerSec(), e2e.p99Ms());
        Map<String, List<ScenarioResult>> sweeps = new LinkedHashMap<>();
        Map<String, ScenarioResult> seeds = new LinkedHashMap<>();
        for (String t : targets) {
            try (ScenarioTarget target = open(t, kafka, runId)) {
                target.processes().forEach(interference::alsoCount);
                List<ScenarioResult> sweep = new ArrayList<>();
                for (int n : subscribers) {
                    int warmup = sweep.isEmpty() ? Math.max(warmupSeconds, firstWarmupSeconds) : warmupSeconds;
                    ScenarioSettings s = new ScenarioSettings("fanout", n, 1, 1, rate, payloadBytes, seconds, warmup, 1);
                    sweep.add(interference.measure(t + " fanout " + n, () -> runOne(s, target)));
                }
                sweeps.put(t, sweep);
                ScenarioSettings seed = new ScenarioSettings("seed", 2_000, 1, 1, 30, 1_024, seconds, seedWarmupSeconds, 1);
                seeds.put(t, interference.measure(t + " seed", () -> runOne(seed, target)));
            }
        }
        return new CompareReport.Figures(new CompareReport.Kafka(produce, consume, e2e), sweeps, seeds, interference);
    }

    private ScenarioResult runOne(ScenarioSettings s, ScenarioTarget target) throws IOException, InterruptedException {
        try (ScenarioLoad load = ScenarioLoad.open(s, Disturbance.none(), target)) {
            ScenarioResult r = load.run();
            progress("%s %s %,d subscribers: %,.0f deliveries/s, delivered %.4f, p99 %.2f ms", target.name(), s.scenario(),
                    s.subscribers(), r.deliveriesPerSec(), r.deliveredRatio(), r.latency().p99Ms());
            return r;
        }
    }

    private ScenarioTarget open(String name, BenchBroker kafka, String runId) throws IOException {
        return name.equals("herald") ? HeraldCluster.start(kafka, "bench.compare." + runId, PARTITIONS, 1, runId)
                : PeerServers.named(name, peersDir, 1);
    }
}
