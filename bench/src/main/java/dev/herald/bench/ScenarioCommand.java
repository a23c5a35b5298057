package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A workload scenario ({@code bench fanout}, {@code channels}, {@code seed}, {@code churn},
 * {@code restart}): Herald (ingest and {@code --edges} edges on an embedded broker, or on
 * {@code --bootstrap-servers}) or a peer ({@code --target}, {@link PeerServers}), real WebSocket
 * subscribers over loopback, a publisher at a set rate ({@link ScenarioLoad}). Prints a table;
 * {@code --json FILE} writes the result ({@link ScenarioResult#json}); each {@code --assert}
 * bound ({@link BenchAssertion}) is checked against it, and the exit code is 1 if one fails.
 *
 * <p>Each scenario names its defaults ({@link #defaults}); every option overrides one.
 */
abstract class ScenarioCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--subscribers", paramLabel = "N", description = "WebSocket subscribers, one connection each.")
    private Integer subscribers;

    @Option(names = "--channels", paramLabel = "N", description = "Channels events go to, in turn.")
    private Integer channels;

    @Option(names = "--channels-per-subscriber", paramLabel = "N", description = "Channels each subscriber follows.")
    private Integer channelsPerSubscriber;

    @Option(names = "--rate", paramLabel = "R", description = "Events per second, all channels together.")
    private Integer rate;

    @Option(names = "--payload-bytes", paramLabel = "B", description = "Size of every event's payload.")
    private Integer payloadBytes;

    @Option(names = "--seconds", paramLabel = "N", description = "Length of the measurement.")
    private Integer seconds;

    @Option(names = "--warmup-seconds", paramLabel = "N", description = "Publishing at --rate before it, not counted.")
    private Integer warmupSeconds;

    @Option(names = "--edges", paramLabel = "N", description = "Edges, each in a JVM of its own; subscribers spread over them.")
    private Integer edges;

    @Option(names = "--target", paramLabel = "T", defaultValue = "herald",
            description = "What to drive: herald, or a peer: ws (a plain Node ws broadcast server) or socket.io (Socket.IO "
                    + "with its Redis Streams adapter, --edges processes on one Redis); peers come from "
                    + "`bash bench/peers/install.sh` (default: ${DEFAULT-VALUE}).")
    private String target;

    @Option(names = "--peers-dir", paramLabel = "DIR", defaultValue = "bench/peers",
            description = "Where the peers are installed (default: ${DEFAULT-VALUE}).")
    private Path peersDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    private Path json;

    @Option(names = "--assert", paramLabel = "KEY<OP>VALUE",
            description = "A bound on the JSON result, e.g. delivered_ratio>=1.0 or latency_ms.p99<=50 (OP: >= <= > < = !=); "
                    + "the exit code is 1 if one fails. Repeatable.")
    private List<String> asserts = new ArrayList<>();

    @Mixin
    private BenchOptions options;

    @Spec
    private CommandSpec spec;

    /** The scenario's sizes when no option overrides them. */
    abstract ScenarioSettings defaults();

    /** What disturbs the measurement; nothing unless the scenario says otherwise. */
    Disturbance disturbance() {
        return Disturbance.none();
    }

    /** The defaults with the options given applied. */
    ScenarioSettings settings() {
        ScenarioSettings d = defaults();
        return new ScenarioSettings(d.scenario(), or(subscribers, d.subscribers()), or(channels, d.channels()),
                or(channelsPerSubscriber, d.channelsPerSubscriber()), or(rate, d.rate()), or(payloadBytes, d.payloadBytes()),
                or(seconds, d.seconds()), or(warmupSeconds, d.warmupSeconds()), or(edges, d.edges()));
    }

    private static int or(Integer given, int otherwise) {
        return given != null ? given : otherwise;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ScenarioSettings s = settings();
        List<BenchAssertion> bounds = asserts.stream().map(BenchAssertion::parse).toList();
        MachineInfo machine = MachineInfo.collect();
        Instant date = Instant.now();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        ScenarioResult result;
        BenchRun run;
        boolean herald = target.equals("herald");
        try (BenchBroker kafka = herald ? options.openBroker() : null;
             ScenarioTarget system = herald ? HeraldCluster.start(kafka, "bench.scenario." + runId, PARTITIONS, s.edges(), runId)
                     : peer(s);
             ScenarioLoad load = ScenarioLoad.open(s, disturbance(), system)) {
            result = load.run();
            run = herald ? options.run(machine, date, kafka) : options.run(machine, date, "not used (peer " + target + ")");
        }
        JsonNode document = result.json();
        options.publish("scenario " + s.scenario() + (herald ? "" : " (" + target + ")"), result.table(), markdown(run, result));
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
            progress("wrote %s", json);
        }
        boolean allHold = true;
        for (BenchAssertion bound : bounds) {
            boolean holds = bound.holds(document);
            allHold &= holds;
            progress("assert %s: %s (%s)", bound, holds ? "pass" : "FAIL", bound.valueIn(document));
        }
        return allHold ? 0 : 1;
    }

    /** The peer {@code --target} names, with {@code --edges} servers where it can have several. */
    private ScenarioTarget peer(ScenarioSettings s) {
        if (disturbance().kind() != Disturbance.Kind.NONE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target " + target + ": the " + s.scenario()
                    + " scenario resumes from Herald's positions, which peers do not have");
        }
        try {
            return PeerServers.named(target, peersDir, s.edges());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target " + target + " (--edges " + s.edges() + "): "
                    + e.getMessage());
        }
    }

    private static String markdown(BenchRun run, ScenarioResult result) {
        return "## Scenario `" + result.settings().scenario() + "`" + "\n\n" + run.runTable() + "\n" + result.table();
    }
}
