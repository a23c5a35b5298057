package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench auth}: what tokens cost, in one run on one broker. Two Heralds run side by side,
 * alike but for their {@code auth.*} settings: tokens off ({@code auth.mode=none}) and tokens on
 * (HS256 JWTs, issuer and audience checked; see {@link BenchTokens}), each with ingest in this JVM,
 * one edge in a JVM of its own and a topic of its own. Prints the figures side by side and
 * optionally writes them as the auth section of {@code docs/benchmarks.md}.
 *
 * <p>After a whole round on each side as a warm-up, not reported, each of {@code --rounds} rounds
 * measures the two sides one after the other, the side that goes first alternating from round to
 * round, so that what disturbs the machine meanwhile falls on both. One side's part of a round:
 * <ol>
 *   <li>the edge's heap without connections; {@code --connections} WebSocket subscribers opened
 *       {@value FanoutRun#OPEN_STEP} at a time, each upgrade request carrying the subscriber's own
 *       token, and subscribed to one channel, timed to the last {@code subscribed} answer; the heap
 *       again;</li>
 *   <li>deliveries per second to them, as {@code bench edge} measures it, the publishers sending
 *       their token with every POST; the heap again; the subscribers close;</li>
 *   <li>ingest's single POSTs at {@code --rate}, open loop, each with the publishers' token.</li>
 * </ol>
 */
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = {"Measures what tokens cost: deliveries per second, ingest's single-POST p99, the WebSocket "
                + "connect-and-subscribe rate and the edge's heap per idle connection, with tokens off and on, interleaved "
                + "in one run."})
final class AuthBenchCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;
    private static final int BROKER_WARMUP_ROUNDS = 1;
    private static final long BROKER_WARMUP_RECORDS = 300_000;
    private static final int THROUGHPUT_WARMUP_SECONDS = 3;

    private final InterferenceLog interference = new InterferenceLog();

    @Option(names = "--connections", defaultValue = "10000", paramLabel = "N",
            description = "WebSocket subscribers opened in each round on each side (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--rounds", defaultValue = "4", paramLabel = "N",
            description = "Measured rounds, each measuring both sides, the first side alternating (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--throughput-seconds", defaultValue = "10", paramLabel = "N",
            description = "Length of each deliveries-per-second run, seconds (default: ${DEFAULT-VALUE}).")
    private int throughputSeconds;

    @Option(names = "--window", defaultValue = "100", paramLabel = "N",
            description = "Most events published ahead of the slowest delivery in a deliveries run (default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--payload-bytes", defaultValue = "256", paramLabel = "B",
            description = "Size of every fanout event's payload (default: ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "R",
            description = "Single POSTs per second of each ingest open loop (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "N",
            description = "Length of each ingest open loop, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "N",
            description = "Single POSTs at --rate before each ingest open loop, seconds, not reported (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Mixin
    private BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AuthBenchSettings settings = new AuthBenchSettings(connections, rounds, throughputSeconds, THROUGHPUT_WARMUP_SECONDS, window,
                payloadBytes, rate, seconds, warmupSeconds, PARTITIONS);
        BenchOptions.Measured<AuthBenchReport.Figures> measured = options.measureOnKafka(
                (kafka, runId) -> measure(kafka, settings, runId));
        AuthBenchReport report = new AuthBenchReport(measured.run(), settings, measured.figures());
        options.publish("auth", report.console(), report.markdown());
        return 0;
    }

    /** One of the two Heralds, and the tokens its clients send. */
    private record Side(String name, BenchTokens tokens, HeraldCluster herald) {
    }

    private AuthBenchReport.Figures measure(BenchBroker kafka, AuthBenchSettings s, String runId)
            throws IOException, InterruptedException {
        List<Double> brokerWarmup = new RawKafkaBaseline(kafka, s.partitions(), runId)
                .warmUpBroker(BROKER_WARMUP_ROUNDS, BROKER_WARMUP_RECORDS);
        progress("tokens: signing one for each of %,d subscribers and one for the publishers (HS256)", s.connections());
        BenchTokens tokens = BenchTokens.hmac(s.connections(), Instant.now());

        progress("tokens off:");
        try (HeraldCluster open = HeraldCluster.start(kafka, "bench.auth.off." + runId, s.partitions(), 1, runId + "-off",
                BenchTokens.off().settings())) {
            progress("tokens on:");
            try (HeraldCluster guarded = HeraldCluster.start(kafka, "bench.auth.on." + runId, s.partitions(), 1, runId + "-on",
                    tokens.settings())) {
                Side off = new Side("tokens off", BenchTokens.off(), open);
                Side on = new Side("tokens on", tokens, guarded);
                interference.alsoCount(open.edge(0).handle());
                interference.alsoCount(guarded.edge(0).handle());
                // A whole round on each side first: in shorter warm-ups the side that went first in
                // round 1 still paid for the JIT and the broker warming up (its deliveries/s and p99
                // were the run's worst, run after run), which ordering alone cannot balance.
                for (Side side : List.of(off, on)) {
                    progress("%s, warm-up round (not reported)", side.name());
                    round(side, 0, false, s);
                }
                List<AuthRound> measured = new ArrayList<>();
                for (int r = 1; r <= s.rounds(); r++) {
                    List<Side> order = r % 2 == 1 ? List.of(off, on) : List.of(on, off);
                    for (Side side : order) {
                        int round = r;
                        boolean first = side == order.get(0);
                        measured.add(interference.measure(side.name() + " " + r, () -> round(side, round, first, s)));
                    }
                }
                return new AuthBenchReport.Figures(brokerWarmup, measured, interference);
            }
        }
    }

    /**
     * One side's part of round {@code round} (0: the warm-up): opening, heap, deliveries after their
     * warm-up, heap, then single POSTs after theirs.
     */
    private AuthRound round(Side side, int round, boolean first, AuthBenchSettings s) throws IOException, InterruptedException {
        EdgeProcess edge = side.herald().edge(0);
        String label = round == 0 ? side.name() + " warm-up" : side.name() + " round " + round;
        EdgeProcess.Memory none = edge.memory();
        EdgeProcess.Memory idle;
        EdgeProcess.Memory afterRun;
        FanoutResult deliveries;
        double openSeconds;
        try (FanoutRun run = FanoutRun.open(side.herald().edgeAddress(0), side.herald().ingestUrl(),
                BenchTokens.ROOM_PREFIX + round, s.connections(), s.payloadBytes(), FanoutPublisher.Durability.DURABLE, side.tokens())) {
            openSeconds = run.openSeconds();
            idle = edge.memory();
            progress("%s: %,d subscribers connected and subscribed in %.2f s (%,.0f/s); edge heap %,d bytes without them, %,d with them",
                    label, s.connections(), openSeconds, s.connections() / openSeconds, none.heapBytes(), idle.heapBytes());
            if (s.throughputWarmupSeconds() > 0) {
                run.windowed(s.window(), Duration.ofSeconds(s.throughputWarmupSeconds()));
            }
            deliveries = run.windowed(s.window(), Duration.ofSeconds(s.throughputSeconds()));
            afterRun = edge.memory();
            progress("     %,.0f deliveries/s, %,d of %,d receipts; edge heap %,d bytes idle after the run", deliveries.deliveriesPerSec(),
                    deliveries.received(), deliveries.expected(), afterRun.heapBytes());
        }
        edge.awaitNoConnections();

        List<String> paths = new ArrayList<>();
        for (int i = 0; i < BenchPayloads.CHANNELS; i++) {
            paths.add("/v1/channels/" + BenchPayloads.channel(i) + "/events");
        }
        KeepAliveLoad posts = new KeepAliveLoad(side.herald().ingestUrl(), paths, "application/json", BenchPayloads.eventPayload(),
                side.tokens().publisher());
        if (s.warmupSeconds() > 0) {
            posts.openLoop(s.rate(), Duration.ofSeconds(s.warmupSeconds()));
        }
        SinglePublishLoad.Result ingest = posts.openLoop(s.rate(), Duration.ofSeconds(s.seconds()));
        progress("     single POST at %,d/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, %,d not 201", s.rate(), ingest.latency().p50Ms(),
                ingest.latency().p99Ms(), ingest.latency().p999Ms(), ingest.not201());
        return new AuthRound(round, side.tokens().on(), first, s.connections(), openSeconds, none, idle, afterRun, deliveries, ingest);
    }
}
