package dev.herald.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald lag}: how far each edge is behind the log. Per edge (its consumer group
 * {@code herald-edge-<id>}) and partition: the committed offset, the log end, the lag in events
 * and in time (the age of the oldest unconsumed event), and whether the edge is up (the group's
 * state and active members). Reads only: it commits nothing and joins no group.
 *
 * <p>Exit codes: 0; 2 when the cluster does not answer, the topic is missing, or an edge named
 * with {@code --edge} has no group (or, without {@code --edge}, no edge has one). With
 * {@code --watch} it samples every {@code --interval} until Ctrl-C, and stops with 2 at the
 * first such failure.
 */
@Command(name = "lag", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How far each edge is behind the log: per edge and partition the committed offset, the log end, "
                + "the lag in events and in time (the age of the oldest unconsumed event), and the edge's group state and members.",
                "A stopped edge stays a member of its group until its session times out (45 s by default).",
                "Reads only: commits nothing, joins no group."})
final class LagCommand implements Callable<Integer> {

    @Option(names = "--edge", paramLabel = "ID", split = ",",
            description = "Only these edges (their groups herald-edge-<ID>); default: every edge with a group on the cluster.")
    List<String> edges;

    @Option(names = "--watch", description = "Print a sample every --interval until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Time between samples with --watch: 5s, 1m or PT5S (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--json", description = "Print each sample as one JSON document on one line (NDJSON with --watch).")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s",
            description = "How long to wait for the cluster on each call (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Mixin
    LogOptions log;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Replaced by tests. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        Duration every = positive(TokenCommand.duration(interval), "--interval");
        PrintWriter out = spec.commandLine().getOut();
        String topic = log.topic();
        try (LogCluster cluster = new LogCluster(log.clientProps(), positive(TokenCommand.duration(timeout), "--timeout"))) {
            LagReader reader = new LagReader(cluster, topic, clock);
            while (true) {
                List<String> ids = edges != null && !edges.isEmpty() ? edges : reader.edgeIds();
                if (ids.isEmpty()) {
                    throw new IllegalStateException("no edge on Kafka at " + cluster.servers() + ": there is no consumer group "
                            + EdgeLag.GROUP_PREFIX + "* (an edge makes its group at its first start)");
                }
                Instant at = clock.instant();
                List<EdgeLag> sample = reader.read(ids);
                if (json) {
                    out.println(LagFormat.json(at, topic, sample));
                } else {
                    if (watch) {
                        out.println(at + "  " + topic);
                    }
                    out.println(LagFormat.table(sample));
                    if (watch) {
                        out.println();
                    }
                }
                out.flush();
                if (!watch) {
                    return 0;
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            return 0; // stopped while asking the cluster (an embedding thread interrupted)
        }
    }

    /**
     * {@code d}, if positive.
     *
     * @throws dev.herald.schemas.InvalidInputException naming the option otherwise
     */
    static Duration positive(Duration d, String option) {
        if (d.isNegative() || d.isZero()) {
            throw new dev.herald.schemas.InvalidInputException(option + " must be more than 0, was " + d);
        }
        return d;
    }
}
