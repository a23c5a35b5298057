package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench edge}: Kafka's own {@code EndToEndLatency}, then Herald's fanout from an HTTP publish
 * to WebSocket subscribers, on one broker in one run; prints the tables and optionally writes them
 * as the edge section of {@code docs/benchmarks.md}.
 *
 * <p>Steps: start (or connect to) the broker and warm it up; {@code EndToEndLatency} with records
 * of the payload size; start ingest in this JVM and one edge in a JVM of its own
 * ({@link EdgeProcess}); then, each on a channel of its own, with subscribers on lean NIO clients
 * ({@link WsLoad}) in this JVM:
 * <ol>
 *   <li>deliveries per second: for each of {@code --connections}, publish as fast as every
 *       subscriber receives, at most {@code --window} events ahead, for {@code --throughput-seconds}
 *       after a warm-up;</li>
 *   <li>heap per idle connection, around the largest connection count: the edge's heap after full
 *       collections with no connections, then with that many subscribed and idle, then idle again
 *       after the run;</li>
 *   <li>latency, last, when the JIT is done with the code under load: {@code --subscribers}
 *       connections, {@code --latency-runs} runs of {@code --rate} events/s for {@code --seconds}
 *       each, after a warm-up as fast as they receive and another at the same rate.</li>
 * </ol>
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = {"Measures Herald's fanout (HTTP publish to WebSocket receipt latency, deliveries per second, heap per "
                + "idle connection) beside Kafka's EndToEndLatency, on the same broker in the same run."})
final class EdgeBenchCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;
    private static final int BROKER_WARMUP_ROUNDS = 2;
    private static final long BROKER_WARMUP_RECORDS = 300_000;
    private static final int THROUGHPUT_WARMUP_SECONDS = 5;

    private final InterferenceLog interference = new InterferenceLog();

    @Option(names = "--subscribers", defaultValue = "1000", paramLabel = "N",
            description = "WebSocket subscribers of the latency run (default: ${DEFAULT-VALUE}).")
    private int subscribers;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
            description = "Events per second of the latency run (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seconds", defaultValue = "30", paramLabel = "N",
            description = "Length of the latency run, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    /**
     * At 100 events/s the code that runs once per event (Kafka's clients and broker, ingest, the
     * edge's poll thread) reaches the JIT's last tier only after a minute or so, and a burst does
     * not finish the job: its profiles differ from those at the rate (batches of one), so the JIT
     * recompiles at the rate. With 10 s of warm-up the compiler threads still took 10-17% of the
     * machine's CPU during the latency run; with 60 s, about 2%.
     */
    @Option(names = "--warmup-seconds", defaultValue = "60", paramLabel = "N",
            description = "Warm-up at --rate before the latency run, seconds, not reported (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--latency-runs", defaultValue = "3", paramLabel = "N",
            description = "Latency runs of --seconds each, one after the other; the target is judged on their median p99, "
                    + "since on a small machine one run's p99 moves by a few milliseconds (default: ${DEFAULT-VALUE}).")
    private int latencyRuns;

    @Option(names = "--connections", defaultValue = "1000,10000", split = ",", paramLabel = "N[,N...]",
            description = "Subscribers of each deliveries-per-second run; the heap is measured around the largest "
                    + "(default: ${DEFAULT-VALUE}).")
    private List<Integer> connections;

    @Option(names = "--throughput-seconds", defaultValue = "20", paramLabel = "N",
            description = "Length of each deliveries-per-second run, seconds (default: ${DEFAULT-VALUE}).")
    private int throughputSeconds;

    @Option(names = "--window", defaultValue = "100", paramLabel = "N",
            description = "Most events published ahead of the slowest delivery in a deliveries-per-second run "
                    + "(default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--payload-bytes", defaultValue = "256", paramLabel = "B",
            description = "Size of every event's payload, and of EndToEndLatency's records (default: ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--e2e-records", defaultValue = "10000", paramLabel = "N",
            description = "Records of Kafka's EndToEndLatency run (default: ${DEFAULT-VALUE}).")
    private int endToEndRecords;

    @Mixin
    private BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        EdgeBenchSettings settings = new EdgeBenchSettings(subscribers, rate, seconds, warmupSeconds, latencyRuns,
                connections.stream().mapToInt(Integer::intValue).toArray(), throughputSeconds, THROUGHPUT_WARMUP_SECONDS,
                window, payloadBytes, endToEndRecords, PARTITIONS);
        BenchOptions.Measured<EdgeBenchReport.Figures> measured = options.measureOnKafka(
                (kafka, runId) -> measure(kafka, settings, runId));
        EdgeBenchReport report = new EdgeBenchReport(measured.run(), settings, measured.figures());
        options.publish("edge", report.console(), report.markdown());
        return 0;
    }

    private EdgeBenchReport.Figures measure(BenchBroker kafka, EdgeBenchSettings s, String runId)
            throws IOException, InterruptedException {
        RawKafkaBaseline raw = new RawKafkaBaseline(kafka, s.partitions(), runId);
        RawKafkaBaseline.Floor floor = raw.warmThenEndToEnd(BROKER_WARMUP_ROUNDS, BROKER_WARMUP_RECORDS, s.endToEndRecords(),
                s.payloadBytes(), interference);

        String topic = "bench.edge." + runId;
        try (HeraldCluster cluster = HeraldCluster.start(kafka, topic, s.partitions(), 1, runId)) {
            EdgeProcess edge = cluster.edge(0);
            interference.alsoCount(edge.handle());
            InetSocketAddress edgeAddress = cluster.edgeAddress(0);
            String ingestUrl = cluster.ingestUrl();

            List<FanoutResult> throughput = new ArrayList<>();
            EdgeBenchReport.Memory memory = null;
            int largest = s.largestConnections();
            for (int count : s.connections()) {
                EdgeProcess.Memory before = count == largest && memory == null ? edge.memory() : null;
                try (FanoutRun run = FanoutRun.open(edgeAddress, ingestUrl, "fanout-" + count, count, s.payloadBytes(),
                        FanoutPublisher.Durability.DURABLE)) {
                    EdgeProcess.Memory idle = before != null ? edge.memory() : null;
                    progress("deliveries: %,d subscribers; warm-up for %d s (not reported)", count, s.throughputWarmupSeconds());
                    run.windowed(s.window(), Duration.ofSeconds(s.throughputWarmupSeconds()));
                    progress("deliveries: %,d subscribers, at most %d events ahead, for %d s", count, s.window(), s.throughputSeconds());
                    FanoutResult result = interference.measure("Herald " + Numbers.num(count) + " connections",
                            () -> run.windowed(s.window(), Duration.ofSeconds(s.throughputSeconds())));
                    throughput.add(result);
                    progress("     %,.0f deliveries/s, %,d of %,d receipts, p99 %.2f ms", result.deliveriesPerSec(),
                            result.received(), result.expected(), result.latency().p99Ms());
                    if (before != null) {
                        EdgeProcess.Memory after = edge.memory();
                        memory = new EdgeBenchReport.Memory(count, before, idle, after);
                        progress("     edge heap: %,d bytes without connections, %,d with %,d idle, %,d idle after the run",
                                before.heapBytes(), idle.heapBytes(), count, after.heapBytes());
                    }
                }
                edge.awaitNoConnections();
            }

            List<EdgeBenchReport.LatencyRun> latency = new ArrayList<>();
            try (FanoutRun run = FanoutRun.open(edgeAddress, ingestUrl, "latency", s.subscribers(), s.payloadBytes(),
                    FanoutPublisher.Durability.DURABLE)) {
                progress("latency: %,d subscribers; warm-up as fast as they receive for %d s, then at %,d events/s for %d s "
                        + "(not reported)", s.subscribers(), s.throughputWarmupSeconds(), s.rate(), s.warmupSeconds());
                // At the measured rate the per-event code (the edge's poll thread, ingest) runs too
                // rarely for the JIT to finish with it within the warm-up; compiling it during the
                // measurement takes a core's worth of CPU and time from the path being measured. The
                // deliveries runs before, and this burst, get the JIT done first.
                if (s.throughputWarmupSeconds() > 0) {
                    run.windowed(s.window(), Duration.ofSeconds(s.throughputWarmupSeconds()));
                }
                if (s.warmupSeconds() > 0) {
                    run.atRate(s.rate(), Duration.ofSeconds(s.warmupSeconds()));
                }
                for (int i = 1; i <= s.latencyRuns(); i++) {
                    progress("latency run %d of %d: %,d events/s for %d s", i, s.latencyRuns(), s.rate(), s.seconds());
                    FanoutCpu.Meter cpuMeter = FanoutCpu.Meter.start(edge.handle());
                    FanoutResult result = interference.measure("Herald latency " + i,
                            () -> run.atRate(s.rate(), Duration.ofSeconds(s.seconds())));
                    FanoutCpu cpu = cpuMeter.stop(result.received(), result.subscribers());
                    latency.add(new EdgeBenchReport.LatencyRun(result, cpu));
                    progress("     p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; %,d of %,d receipts", result.latency().p50Ms(),
                            result.latency().p99Ms(), result.latency().p999Ms(), result.received(), result.expected());
                    progress("     first receipt of each event: p50 %.2f ms, p99 %.2f ms", result.firstReceipt().p50Ms(),
                            result.firstReceipt().p99Ms());
                    if (cpu.known()) {
                        progress("     CPU per delivery: edge %.2f µs, benchmark JVM %.2f µs; one event's fan-out takes about %.2f ms",
                                cpu.edgeMicrosPerDelivery(), cpu.benchmarkMicrosPerDelivery(), cpu.fanOutFloorMs());
                    }
                }
            }
            return new EdgeBenchReport.Figures(floor.brokerWarmup(), floor.endToEnd(), latency, throughput, memory, interference);
        }
    }
}
