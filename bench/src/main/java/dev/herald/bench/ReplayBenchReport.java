package dev.herald.bench;

import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.pct;
import static dev.herald.bench.Numbers.verdict;

/**
 * The figures of one {@code bench replay} run, as the replay section of {@code docs/benchmarks.md}
 * and as the console's table: Herald's history replay beside Kafka's {@code ConsumerPerformance}
 * on the same records, and the target (at least {@link ReplayBenchCommand#TARGET_RATIO} of it).
 */
final class ReplayBenchReport {

    private final BenchRun run;
    private final ReplayBenchCommand settings;
    private final ReplayBenchCommand.Figures figures;

    ReplayBenchReport(BenchRun run, ReplayBenchCommand settings, ReplayBenchCommand.Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
    }

    private boolean met() {
        return figures.ratio() >= ReplayBenchCommand.TARGET_RATIO;
    }

    /** The replay section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Replay: `./herald bench replay`\n\n");
        md.append("An edge rebuilding its store from the log (`herald replay --mode history`, as after a lost disk) beside Kafka's "
                + "`ConsumerPerformance` reading the same records on the same broker. The log has ").append(num(settings.records))
                .append(" records over ").append(num(settings.channels)).append(" channels in ").append(settings.partitions)
                .append(" partitions, written as ingest writes them (key = channel, CloudEvents headers, a JSON payload of ")
                .append(num(settings.payloadBytes)).append(" bytes). `ConsumerPerformance` reads them with one consumer in a child "
                + "JVM; then an edge with an empty store, in a JVM of its own (`").append(EdgeProcess.HEAP).append("`), is asked "
                + "through `POST /admin/replay` to replay every partition from its start: its replay thread reads and encodes the "
                + "records, its poll thread stores them (dedup index and per-channel history) between its own polls. Herald's rate "
                + "is the records read over the replay's elapsed time as the edge reports it.\n\n");
        md.append("### Run\n\n").append(run.runTable()).append('\n');
        md.append("### Throughput\n\n");
        md.append("| Measurement | Records | Records/s | vs `ConsumerPerformance` |\n|---|---:|---:|---:|\n");
        md.append("| Kafka `ConsumerPerformance`, one consumer, once it has its partitions | ")
                .append(num(figures.consumerPerformance().records())).append(" | ")
                .append(num(figures.consumerPerformance().fetchRecordsPerSec())).append(" | 100% |\n");
        md.append("| Herald edge, `herald replay --mode history` into an empty store | ").append(num(figures.replayedRecords()))
                .append(" | ").append(num(figures.replayRecordsPerSec())).append(" | ").append(pct(figures.ratio())).append(" |\n\n");
        md.append("Target: the replay reads at least ").append(pct(ReplayBenchCommand.TARGET_RATIO)).append(" of `ConsumerPerformance`'s "
                + "records/s — **").append(verdict(met())).append("** (").append(pct(figures.ratio())).append(").\n\n");
        md.append("### Notes\n\n");
        md.append("- `ConsumerPerformance`'s rate runs from the end of its group join to its last record (the join took ")
                .append(num(figures.consumerPerformance().joinMs())).append(" ms; with it, ")
                .append(num(figures.consumerPerformance().recordsPerSec())).append(" records/s); Herald's from the replay's start on "
                + "the edge (its reader is assigned its partitions, no group to join) to its last batch stored.\n");
        md.append("- ").append(num(figures.stored())).append(" of the replayed records were stored; the rest were records the store "
                + "held already or duplicates.\n");
        md.append("- The broker and the load generator share the benchmark's JVM; the edge has its own; all on the machine's ")
                .append(run.machine().cpus()).append(" CPUs.\n");
        if (!met()) {
            md.append("- Where the replay's time goes, what was tried, and what would meet the target: [design notes, \"Why the replay "
                    + "stays under half of `ConsumerPerformance` here\"](design-notes.md#replay-herald-replay).\n");
        }
        return md.toString();
    }

    /** The figures as console lines. */
    String console() {
        return String.format(java.util.Locale.ROOT, "ConsumerPerformance  %12s records/s  (after its group join of %s ms; %s records/s with it)%n"
                + "Herald replay        %12s records/s  (%s; target %s: %s)",
                num(figures.consumerPerformance().fetchRecordsPerSec()), num(figures.consumerPerformance().joinMs()),
                num(figures.consumerPerformance().recordsPerSec()), num(figures.replayRecordsPerSec()), pct(figures.ratio()),
                pct(ReplayBenchCommand.TARGET_RATIO), verdict(met()));
    }
}
