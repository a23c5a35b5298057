package dev.herald.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code herald replay}: reads a range of the log again through an edge. A dry run by default: the
 * plan ({@link ReplayPlan}) per partition, from the target to what the edge has consumed, with the
 * records and channels in between and any target before the log start; {@code --export F} writes
 * it as CSV. With {@code --execute}:
 * <ul>
 *   <li>a running edge (its group has members) replays through its admin endpoint
 *       ({@code --edge-url}, an admin token from {@code --token} or {@code HERALD_TOKEN}) while its
 *       live consumer goes on; progress is shown until it ends;</li>
 *   <li>a stopped edge ({@code history} only, whole partitions) has its group's offsets moved back
 *       ({@link StoppedEdgeOffsets}); it re-reads the range when it starts.</li>
 * </ul>
 * A target before the log start is refused unless {@code --from-log-start} says to start there
 * instead: never clamped in silence. Exit codes: 0 done (or planned), 1 the replay failed on the
 * edge, 2 bad input or refused.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read a range of the log again through an edge: rebuild its history and dedup index (history), or send the "
                + "range again to its live subscribers, marked \"replayed\":true (redeliver).",
                "A dry run unless --execute: prints the plan per partition (from, to, records, channels, log start)."})
final class ReplayCommand implements Callable<Integer> {

    /** The environment variable an admin token may come in. */
    static final String TOKEN_ENV = "HERALD_TOKEN";

    @Option(names = "--edge", required = true, paramLabel = "ID", description = "The edge's id (its group is herald-edge-ID).")
    String edgeId;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Target (one of):%n")
    Target target;

    static final class Target {
        @Option(names = "--to-offset", paramLabel = "P:O[,P:O...]", description = "These partitions from these offsets.")
        String toOffset;

        @Option(names = "--to-datetime", paramLabel = "T", description = "From the first record at or after T (ISO-8601 with a zone).")
        String toDatetime;

        @Option(names = "--by-duration", paramLabel = "D", description = "From the first record at or after now minus D (e.g. PT30M, P1DT2H).")
        String byDuration;

        @Option(names = "--shift-by", paramLabel = "-N", description = "From N offsets before what the edge has consumed.")
        Long shiftBy;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Scope scope;

    static final class Scope {
        @Option(names = "--channel", paramLabel = "C", description = "Only this channel's records (its partition only).")
        String channel;

        @Option(names = "--partitions", split = ",", paramLabel = "P[,P...]", description = "Only these partitions.")
        List<Integer> partitions;
    }

    @Option(names = "--mode", defaultValue = "history", paramLabel = "history|redeliver",
            description = "history: rebuild the edge's history and dedup index, delivering nothing twice; redeliver: send the range again "
                    + "to live subscribers, marked \"replayed\":true (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--execute", description = "Replay; without it, only print the plan.")
    boolean execute;

    @Option(names = "--from-log-start", description = "Where the target is before the log start (retention), start at the log start instead "
            + "of refusing.")
    boolean fromLogStart;

    @Option(names = "--export", paramLabel = "FILE", description = "Write the plan as CSV (a header row, one row per partition).")
    Path export;

    @Option(names = "--edge-url", paramLabel = "URL", description = "The running edge's HTTP address, e.g. http://127.0.0.1:8081.")
    String edgeUrl;

    @Option(names = "--token", paramLabel = "JWT", description = "An admin token for the edge (default: $" + TOKEN_ENV + ").")
    String token;

    @Option(names = "--scan-max", defaultValue = "1000000", paramLabel = "N",
            description = "Most records the plan reads to count records and channels; past it, counts are estimates (default: ${DEFAULT-VALUE}).")
    long scanMax;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    /** Where the token is looked up; a test replaces it. */
    Map<String, String> environment = System.getenv();
    /** Whether progress is drawn in place; a test replaces it. */
    boolean terminal = System.console() != null;
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException, InterruptedException {
        String replayMode = mode.toLowerCase(Locale.ROOT);
        if (!replayMode.equals("history") && !replayMode.equals("redeliver")) {
            throw new IllegalStateException("--mode " + mode + " is unknown: history or redeliver");
        }
        ReplayTarget to = ReplayTarget.of(target.toOffset, target.toDatetime, target.byDuration, target.shiftBy, clock);
        String channel = scope == null ? null : scope.channel;
        if (channel != null) {
            String violation = dev.herald.schemas.ChannelName.violation(channel);
            if (violation != null) {
                throw new IllegalStateException("--channel " + channel + ": " + violation);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ReplayPlanner planner = new ReplayPlanner(log.clientProps(), log.topic())) {
            ReplayPlan plan = planner.plan(edgeId, replayMode, channel, scope == null ? null : scope.partitions, to, fromLogStart, scanMax);
            plan.print(out);
            if (export != null) {
                plan.export(export);
                out.println("plan written to " + export);
            }
            if (!execute) {
                out.printf(Locale.ROOT, "Dry run: nothing replayed. Add --execute to replay these %s records through edge %s.%n",
                        String.format(Locale.ROOT, "%,d", plan.records()), edgeId);
                out.flush();
                return 0;
            }
            refuseTargetsBeforeLogStart(plan);
            if (plan.records() == 0 && plan.ranges().stream().allMatch(r -> r.offsets() == 0)) {
                out.println("Nothing to replay: the edge has consumed nothing after the target.");
                out.flush();
                return 0;
            }
            StoppedEdgeOffsets offsets = new StoppedEdgeOffsets(planner.admin());
            if (edgeUrl != null) {
                return throughRunningEdge(plan, out);
            }
            int members = offsets.members(plan.group());
            if (members > 0) {
                throw new IllegalStateException("edge " + edgeId + " is running (its group " + plan.group() + " has " + members
                        + " member" + (members == 1 ? "" : "s") + "): replay through it with --edge-url http://HOST:PORT and an admin token "
                        + "(--token or " + TOKEN_ENV + "), or stop it first to move its offsets");
            }
            return onStoppedEdge(plan, offsets, out);
        }
    }

    private void refuseTargetsBeforeLogStart(ReplayPlan plan) {
        List<ReplayPlan.PartitionPlan> gone = plan.beforeLogStart().stream().filter(p -> p.wouldMissRecords(fromLogStart)).toList();
        if (!gone.isEmpty()) {
            ReplayPlan.PartitionPlan p = gone.get(0);
            String what = p.gone() < 0
                    ? String.format(Locale.ROOT, "the time is before the oldest record left at offset %d (retention deleted the records "
                    + "before it, and some may have been after the time)", p.logStart())
                    : String.format(Locale.ROOT, "the target offset %d is before the log start %d (retention deleted %,d records the replay "
                    + "would read)", p.target(), p.logStart(), p.gone());
            throw new IllegalStateException(String.format(Locale.ROOT, "partition %d: %s%s; replay from the log start with "
                    + "--from-log-start, or pick a later target", p.partition(), what, gone.size() > 1 ? ", and " + (gone.size() - 1)
                    + " more partition(s) likewise" : ""));
        }
    }

    private int throughRunningEdge(ReplayPlan plan, PrintWriter out) throws InterruptedException {
        String adminToken = token != null ? token : environment.get(TOKEN_ENV);
        EdgeReplayClient edge = new EdgeReplayClient(edgeUrl, adminToken);
        JsonNode status = edge.start(plan);
        String id = status.get("id").asText();
        out.println("replay " + id + " started on edge " + edgeId + " at " + edgeUrl);
        ReplayProgress progress = new ReplayProgress(out, terminal);
        while (status.get("state").asText().equals("running")) {
            progress.update(status, clock.millis());
            Thread.sleep(250);
            status = edge.status(id);
        }
        progress.summary(status);
        return status.get("state").asText().equals("done") ? 0 : 1;
    }

    private int onStoppedEdge(ReplayPlan plan, StoppedEdgeOffsets offsets, PrintWriter out) {
        if (plan.mode().equals("redeliver")) {
            throw new IllegalStateException("edge " + edgeId + " is stopped, and redeliver sends to its live subscribers: it has none. "
                    + "Start the edge and replay through it with --edge-url");
        }
        if (plan.channel() != null) {
            throw new IllegalStateException("--channel needs a running edge (--edge-url): a stopped edge's offsets move for whole "
                    + "partitions; use --partitions " + plan.partitions().get(0).partition() + " to re-read the channel's whole partition");
        }
        offsets.moveBack(edgeId, plan.group(), plan.topic(), plan.ranges());
        out.printf(Locale.ROOT, "Moved the committed offsets of group %s back to %s.%n", plan.group(), plan.ranges());
        out.printf(Locale.ROOT, "Edge %s is stopped: when it starts, it reads these %,d records again into its store (what it holds "
                + "already is kept, nothing is stored twice) and on from there.%n", edgeId, plan.records());
        out.flush();
        return 0;
    }
}
