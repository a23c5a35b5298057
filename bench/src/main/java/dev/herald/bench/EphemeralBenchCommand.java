package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.lane.LaneSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench ephemeral}: the ephemeral lane beside the durable path, from an HTTP publish to
 * WebSocket subscribers of one edge, in one run on one broker; then the lane overloaded. Prints the
 * tables and optionally writes them as the ephemeral section of {@code docs/benchmarks.md}.
 *
 * <p>Steps: start (or connect to) the broker, warm it up, run Kafka's {@code EndToEndLatency} (the
 * floor under the durable path); start ingest in this JVM and one edge in a JVM of its own
 * ({@link HeraldCluster}), both on a lane of their own (a fresh secret and a free port on the
 * loopback group); subscribe {@code --subscribers} connections to a durable channel and as many to
 * an ephemeral one; warm both paths up; measure the durable path, then the ephemeral one, at
 * {@code --rate} for {@code --seconds} each; then publish ephemeral events at each of
 * {@code --overload-rates} for {@code --overload-seconds}, and account for every event that did
 * not arrive from the lane's counters ({@link LaneCounters}).
 */
@Command(name = "ephemeral", mixinStandardHelpOptions = true,
        description = {"Measures the ephemeral lane (HTTP publish to WebSocket receipt over UDP multicast) beside the durable "
                + "path through Kafka in the same run, then its loss when the receivers are overloaded."})
final class EphemeralBenchCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;
    private static final int BROKER_WARMUP_ROUNDS = 1;
    private static final long BROKER_WARMUP_RECORDS = 300_000;
    /** Most events published ahead of the slowest delivery during the burst warm-up, as in {@code bench edge}. */
    private static final int WINDOW = 100;

    private final InterferenceLog interference = new InterferenceLog();

    @Option(names = "--subscribers", defaultValue = "1000", paramLabel = "N",
            description = "WebSocket subscribers of the durable channel, and as many of the ephemeral one (default: ${DEFAULT-VALUE}).")
    private int subscribers;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
            description = "Events per second of each latency run (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seconds", defaultValue = "20", paramLabel = "N",
            description = "Length of each latency run, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "10", paramLabel = "N",
            description = "Warm-up at --rate before each latency run, seconds, not reported (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--burst-seconds", defaultValue = "5", paramLabel = "N",
            description = "Warm-up as fast as the subscribers receive before that, seconds, not reported (default: ${DEFAULT-VALUE}).")
    private int burstSeconds;

    @Option(names = "--overload-rates", defaultValue = "250,500,1000,2000,4000", split = ",", paramLabel = "R[,R...]",
            description = "Ephemeral events per second of each overload step (default: ${DEFAULT-VALUE}).")
    private List<Integer> overloadRates;

    @Option(names = "--overload-seconds", defaultValue = "10", paramLabel = "N",
            description = "Length of each overload step, seconds (default: ${DEFAULT-VALUE}).")
    private int overloadSeconds;

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
        EphemeralBenchSettings settings = new EphemeralBenchSettings(subscribers, rate, seconds, warmupSeconds, burstSeconds,
                WINDOW, payloadBytes, endToEndRecords, PARTITIONS,
                overloadRates.stream().mapToInt(Integer::intValue).toArray(), overloadSeconds);
        BenchOptions.Measured<EphemeralBenchReport.Figures> measured = options.measureOnKafka(
                (kafka, runId) -> measure(kafka, settings, runId));
        EphemeralBenchReport report = new EphemeralBenchReport(measured.run(), settings, measured.figures());
        options.publish("ephemeral", report.console(), report.markdown());
        return 0;
    }

    private EphemeralBenchReport.Figures measure(BenchBroker kafka, EphemeralBenchSettings s, String runId)
            throws IOException, InterruptedException {
        RawKafkaBaseline raw = new RawKafkaBaseline(kafka, s.partitions(), runId);
        RawKafkaBaseline.Floor floor = raw.warmThenEndToEnd(BROKER_WARMUP_ROUNDS, BROKER_WARMUP_RECORDS, s.endToEndRecords(),
                s.payloadBytes(), interference);

        String topic = "bench.ephemeral." + runId;
        Map<String, String> lane = Map.of(LaneSettings.SECRET, LaneSettings.newSecret(), LaneSettings.PORT, Integer.toString(freeUdpPort()));
        try (HeraldCluster cluster = HeraldCluster.start(kafka, topic, s.partitions(), 1, runId, lane)) {
            interference.alsoCount(cluster.edge(0).handle());
            InetSocketAddress edgeAddress = cluster.edgeAddress(0);
            String edgeUrl = cluster.edgeUrl(0);
            String ingestUrl = cluster.ingestUrl();
            progress("lane %s:%s", LaneSettings.DEFAULT_GROUP, lane.get(LaneSettings.PORT));
            try (FanoutRun durable = FanoutRun.open(edgeAddress, ingestUrl, "durable", s.subscribers(), s.payloadBytes(),
                         FanoutPublisher.Durability.DURABLE);
                 FanoutRun ephemeral = FanoutRun.open(edgeAddress, ingestUrl, "ephemeral", s.subscribers(),
                         s.payloadBytes(), FanoutPublisher.Durability.EPHEMERAL)) {
                warmUp("durable", durable, s, s.burstWarmupSeconds());
                // No burst on the lossy path: a windowed run counts on every receipt arriving. The
                // durable burst has warmed the fan-out code both paths share.
                warmUp("ephemeral", ephemeral, s, 0);
                FanoutResult durableResult = latency("durable", durable, s);
                FanoutResult ephemeralResult = latency("ephemeral", ephemeral, s);

                List<EphemeralBenchReport.OverloadStep> overload = new ArrayList<>();
                for (int r : s.overloadRates()) {
                    progress("overload: ephemeral at %,d events/s to %,d subscribers for %d s", r, s.subscribers(), s.overloadSeconds());
                    LaneCounters before = LaneCounters.read(ingestUrl, edgeUrl);
                    FanoutResult result = interference.measure("ephemeral at " + Numbers.num(r) + "/s",
                            () -> ephemeral.atRate(r, Duration.ofSeconds(s.overloadSeconds())));
                    LaneCounters counted = LaneCounters.read(ingestUrl, edgeUrl).since(before);
                    EphemeralBenchReport.OverloadStep step = new EphemeralBenchReport.OverloadStep(r, result, counted);
                    overload.add(step);
                    progress("     %,.0f events/s published, %,d of %,d receipts (%.2f%% lost): %,d datagrams unread by the edge, "
                                    + "%,d frames skipped (I/O thread behind), %,d skipped (queue over half full)",
                            result.publishedPerSec(), result.received(), result.expected(), step.lossRatio() * 100,
                            counted.unread(), counted.skippedBacklog(), counted.skippedQueue());
                }
                return new EphemeralBenchReport.Figures(floor.brokerWarmup(), floor.endToEnd(), durableResult, ephemeralResult, overload,
                        interference);
            }
        }
    }

    /**
     * A burst of {@code burstSeconds} as fast as the subscribers receive, then the measured rate:
     * at 100 events/s the per-event code runs too rarely for the JIT to finish with it within a
     * short warm-up (see {@code bench edge}).
     */
    private static void warmUp(String path, FanoutRun run, EphemeralBenchSettings s, int burstSeconds)
            throws IOException, InterruptedException {
        progress("%s: warm-up as fast as the subscribers receive for %d s, then at %,d events/s for %d s (not reported)", path,
                burstSeconds, s.rate(), s.warmupSeconds());
        if (burstSeconds > 0) {
            run.windowed(s.window(), Duration.ofSeconds(burstSeconds));
        }
        if (s.warmupSeconds() > 0) {
            run.atRate(s.rate(), Duration.ofSeconds(s.warmupSeconds()));
        }
    }

    private FanoutResult latency(String path, FanoutRun run, EphemeralBenchSettings s) throws IOException, InterruptedException {
        progress("%s: %,d events/s for %d s to %,d subscribers", path, s.rate(), s.seconds(), s.subscribers());
        FanoutResult result = interference.measure("Herald " + path,
                () -> run.atRate(s.rate(), Duration.ofSeconds(s.seconds())));
        progress("     p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; %,d of %,d receipts; first receipt p50 %.2f ms, p99 %.2f ms",
                result.latency().p50Ms(), result.latency().p99Ms(), result.latency().p999Ms(), result.received(),
                result.expected(), result.firstReceipt().p50Ms(), result.firstReceipt().p99Ms());
        return result;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
