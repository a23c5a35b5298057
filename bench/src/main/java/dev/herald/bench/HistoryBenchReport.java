package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;

/**
 * The figures of one {@code bench history} run, as the history section of
 * {@code docs/benchmarks.md} and as the console's table: a page of the edge's history route and
 * the first event of a time-based resume, each while publishers run and live subscribers receive.
 */
final class HistoryBenchReport {

    /**
     * The measurements of a run.
     *
     * @param subscribers     live subscribers connected
     * @param history         the history pages, and the publishing meanwhile
     * @param historyReceipts frames the live subscribers received during the history measurement (and before it)
     * @param resumes         the time-based resumes, and the publishing meanwhile
     * @param resumeReceipts  frames the live subscribers received during the resume measurement
     * @param interference    other processes' CPU time during each measurement
     */
    record Figures(int subscribers, HistoryBenchCommand.Phase<HistoryBenchCommand.PagesResult> history, long historyReceipts,
                   HistoryBenchCommand.Phase<HistoryBenchCommand.ResumesResult> resumes, long resumeReceipts,
                   InterferenceLog interference) {
    }

    private final BenchRun run;
    private final HistoryBenchSettings settings;
    private final Figures figures;

    HistoryBenchReport(BenchRun run, HistoryBenchSettings settings, Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
    }

    /** The history section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## History and resume by time: `./herald bench history`\n\n");
        md.append("The edge's history route (`GET /v1/channels/{channel}/events`) and time-based resumes (`since_time`), each "
                + "measured while publishers send single POSTs at ").append(num(settings.rate())).append(" events/s and ")
                .append(num(figures.subscribers())).append(" live WebSocket subscribers receive them. The log is seeded first with ")
                .append(num(settings.seedEvents())).append(" events of 1 KiB over 64 channels (").append(num(settings.partitions()))
                .append(" partitions); the edge keeps the last 1,000 of each channel in its own store, so a page from the "
                        + "oldest event starts in the Kafka log and the pages after it come from the store. Ingest and the broker "
                        + "run in the benchmark's JVM, the edge in a JVM of its own (`").append(EdgeProcess.HEAP)
                .append("`), all on the machine's ").append(run.machine().cpus()).append(" CPUs, over loopback.\n\n");
        md.append(figures.interference().markdownWarning());
        md.append("### Run\n\n");
        md.append(run.runTable());
        md.append(figures.interference().markdownRow()).append('\n');
        md.append("### Figures\n\n");
        md.append(table()).append('\n');
        md.append("### Notes\n\n");
        md.append("- *History page*: ").append(settings.clients()).append(" clients (the JDK's HTTP/1.1 client) ask pages back "
                + "to back for ").append(settings.seconds()).append(" s, each a random channel from its oldest event or from the "
                + "instant between the seed's halves (alternately), following `next` for up to ").append(settings.pagesPerWalk())
                .append(" pages of `limit=").append(settings.limit()).append("`. Timed from the request's send to its whole "
                        + "answer read; a closed loop, so a slow answer delays the client's next request.\n");
        md.append("- *Time-based resume*: a new WebSocket (the JDK's client) per resume, one after the other, subscribing to a "
                + "channel with `since_time` at the instant between the seed's halves (the time is looked up with Kafka's "
                + "`offsetsForTimes`, then the events are replayed from the edge's store or the log); timed from the subscribe "
                + "frame's send to the first `event` frame read. Connecting is not timed.\n");
        md.append("- Live subscribers received ").append(num(figures.historyReceipts())).append(" frames by the end of the "
                + "history measurement and ").append(num(figures.resumeReceipts())).append(" during the resumes.\n");
        return md.toString();
    }

    /** The table, for the console. */
    String console() {
        return figures.interference().consoleHeader() + "\n\n" + table();
    }

    private String table() {
        HistoryBenchCommand.PagesResult pages = figures.history().result();
        HistoryBenchCommand.ResumesResult resumes = figures.resumes().result();
        StringBuilder t = new StringBuilder();
        t.append("| Measurement | Count | Failed | p50 | p99 | p99.9 | max | Publishing meanwhile |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        LatencySummary p = pages.latency();
        t.append("| History page, `limit=").append(settings.limit()).append("` (").append(num(pages.events()))
                .append(" events in all) | ").append(num(p.count())).append(" | ").append(num(pages.failed())).append(" | ")
                .append(fmt(p.p50Ms())).append(" ms | **").append(fmt(p.p99Ms())).append(" ms** | ").append(fmt(p.p999Ms()))
                .append(" ms | ").append(fmt(p.maxMs())).append(" ms | ").append(publishing(figures.history().publishing())).append(" |\n");
        LatencySummary r = resumes.latency();
        t.append("| Time-based resume, subscribe → first event | ").append(num(r.count())).append(" | ").append(num(resumes.failed()))
                .append(" | ").append(fmt(r.p50Ms())).append(" ms | **").append(fmt(r.p99Ms())).append(" ms** | ")
                .append(fmt(r.p999Ms())).append(" ms | ").append(fmt(r.maxMs())).append(" ms | ")
                .append(publishing(figures.resumes().publishing())).append(" |\n");
        return t.toString();
    }

    private static String publishing(SinglePublishLoad.Result r) {
        if (r == null) {
            return "the publishers failed";
        }
        return num(r.created()) + " events accepted (" + num(r.sentPerSecond()) + " sent/s), single-POST p99 "
                + fmt(r.latency().p99Ms()) + " ms";
    }
}
