package dev.herald.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herald tail CHANNEL}: a channel's events straight from the log, each with its id, time,
 * position (the string that resumes a subscriber after it) and data, one line each (NDJSON with
 * {@code --json}). By default the channel's last 10 events; {@code --since}, {@code --last} or
 * {@code --from-beginning} choose another start. Without {@code --follow} it stops at the log's
 * end as of its start; with it, it prints new events until Ctrl-C. It commits nothing and joins
 * no group.
 *
 * <p>Exit codes: 0; 2 for a bad channel name or {@code --since}, a position of another log or
 * channel, a missing topic, or a cluster that does not answer. Notes (a start older than the
 * log's, a record skipped as malformed) go to standard error.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A channel's events straight from the log (its partition, filtered by key), each with id, time, position "
                + "and data; by default its last 10. Commits nothing, joins no group."})
final class TailCommand implements Callable<Integer> {

    /** How many events {@code tail} prints without a start option. */
    static final int DEFAULT_LAST = 10;

    @Parameters(index = "0", paramLabel = "CHANNEL", description = "The channel.")
    String channel;

    @ArgGroup(exclusive = true)
    Start start;

    /** Where to start; one at most. */
    static final class Start {

        @Option(names = "--since", paramLabel = "POSITION|TIME|DURATION",
                description = "After a position (as a subscriber's since), from an RFC 3339 time (2026-01-21T10:00:00Z), "
                        + "or from a duration ago (90s, 10m, 2h, 7d, PT10M).")
        String since;

        @Option(names = "--last", paramLabel = "N", description = "The channel's last N events (default: " + DEFAULT_LAST + ").")
        Integer last;

        @Option(names = "--from-beginning", description = "Every event of the channel still in the log.")
        boolean fromBeginning;
    }

    @Option(names = {"-f", "--follow"}, description = "Go on printing new events until Ctrl-C.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per event and line (NDJSON).")
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
        TailStart from = start();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LogCluster cluster = new LogCluster(log.clientProps(), LagCommand.positive(TokenCommand.duration(timeout), "--timeout"));
             ChannelTail tail = new ChannelTail(cluster, log.topic(), channel, note -> {
                 err.println("herald tail: " + note);
                 err.flush();
             })) {
            long end = tail.end();
            long notBefore = from instanceof TailStart.At at ? at.time().toEpochMilli() : Long.MIN_VALUE;
            tail.read(tail.startOffset(from, end), follow ? ChannelTail.FOLLOW : end, notBefore, event -> {
                out.println(json ? TailFormat.json(event) : TailFormat.line(event));
                out.flush();
            });
            return 0;
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            return 0; // --follow stopped by an embedding thread's interrupt
        }
    }

    private TailStart start() {
        if (start == null) {
            return new TailStart.Last(DEFAULT_LAST);
        }
        if (start.since != null) {
            return TailStart.since(start.since, clock);
        }
        if (start.last != null) {
            return new TailStart.Last(start.last);
        }
        return new TailStart.Beginning();
    }
}
