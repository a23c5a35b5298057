package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.signed;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The figures of one {@code bench ephemeral} run, as the ephemeral section of
 * {@code docs/benchmarks.md} and as the console's tables. The lane has no target of its own: the
 * report sets its latency beside the durable path's and Kafka's, and says where the events that
 * did not arrive under overload went.
 */
final class EphemeralBenchReport {

    /**
     * One overload step: ephemeral events published at {@code rate} per second.
     *
     * @param rate    events per second asked of the publishers
     * @param result  what the subscribers received
     * @param lane    the lane's counters over the step
     */
    record OverloadStep(int rate, FanoutResult result, LaneCounters lane) {

        /** Receipts that never came, as a share of those expected (every accepted event to every subscriber). */
        double lossRatio() {
            return result.expected() == 0 ? 0 : (double) result.missing() / result.expected();
        }

        /** Receipts lost because the edge never read the datagram. */
        long unreadReceipts() {
            return lane.unread() * result.subscribers();
        }

        /** Receipts lost because the edge read the datagram and dropped it (stale, replayed, badly signed…). */
        long droppedReceipts() {
            return lane.dropped() * result.subscribers();
        }

        /**
         * Missing receipts that no counter accounts for: frames still on their way when the wait
         * ended, or lost in a client. Negative if the counters account for more than went missing
         * (a frame skipped for a cursor that was not live, which would not have sent it anyway).
         */
        long unaccounted() {
            return result.missing() - unreadReceipts() - droppedReceipts() - lane.skippedBacklog() - lane.skippedQueue();
        }
    }

    /** The measurements of a run. */
    record Figures(List<Double> brokerWarmup, EndToEndResult endToEnd, FanoutResult durable, FanoutResult ephemeral,
                   List<OverloadStep> overload, InterferenceLog interference) {
    }

    private final BenchRun run;
    private final EphemeralBenchSettings settings;
    private final Figures figures;

    EphemeralBenchReport(BenchRun run, EphemeralBenchSettings settings, Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
    }

    /** The ephemeral section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        InterferenceLog interference = figures.interference();
        StringBuilder md = new StringBuilder();
        md.append("## Ephemeral lane: `./herald bench ephemeral`\n\n");
        md.append("Ephemeral events (`?durability=ephemeral`: signed UDP multicast from ingest to the edge, never in Kafka) "
                + "beside durable ones (through Kafka with `acks=all`), from an HTTP publish to WebSocket subscribers of one "
                + "edge, in the same run; then the lane overloaded. The broker and ingest run in the benchmark's JVM, the edge "
                + "in a JVM of its own (`").append(EdgeProcess.HEAP).append("`), the subscribers are lean NIO WebSocket "
                + "clients (`WsLoad`) in the benchmark's JVM: everything on the machine's ").append(run.machine().cpus())
                .append(" CPUs, over loopback. ").append(num(settings.subscribers())).append(" subscribers follow a durable "
                + "channel and ").append(num(settings.subscribers())).append(" others an ephemeral one; ")
                .append(FanoutRun.PUBLISHERS).append(" publishers send single POSTs of ").append(num(settings.payloadBytes()))
                .append(" bytes of JSON carrying the event's due time and a sequence number.\n\n");
        md.append(interference.markdownWarning());
        md.append("### Run\n\n");
        md.append(run.runTable());
        md.append("| Warm-up, not reported | broker first: ").append(figures.brokerWarmup().size())
                .append(" × 300,000 records of 1 KiB with `ProducerPerformance` (")
                .append(figures.brokerWarmup().stream().map(Numbers::num).collect(Collectors.joining(" → ")))
                .append(" records/s); before the latency runs, durable ").append(settings.burstWarmupSeconds())
                .append(" s as fast as the subscribers receive, then each path ").append(settings.warmupSeconds()).append(" s at ")
                .append(num(settings.rate())).append(" events/s |\n");
        md.append(interference.markdownRow()).append('\n');

        md.append("### Latency: ephemeral beside durable\n\n");
        md.append(latencyTable()).append('\n');
        md.append(latencyVerdict()).append("\n\n");

        md.append("### Loss when the receivers are overloaded\n\n");
        md.append("Ephemeral events at rising rates to the same ").append(num(settings.subscribers()))
                .append(" subscribers, ").append(settings.overloadSeconds()).append(" s each. Loss is the share of "
                + "expected receipts (every accepted event to every subscriber) that never came; the columns after it say "
                + "where they went.\n\n");
        md.append(overloadTable()).append('\n');

        md.append("### Notes\n\n");
        md.append("- Latency runs from the time an event was *due* to be published (an open loop at a fixed rate, so a late "
                + "publish counts against it) to the moment a subscriber's client read the frame. A durable event's path is "
                + "the POST, ingest, Kafka's `acks=all` write, the edge's fetch and fan-out; an ephemeral one's is the POST, "
                + "ingest signing and sending one datagram, the edge's receiver checking it and the same fan-out.\n");
        md.append("- *Not read by the edge*: datagrams ingest sent that the edge neither accepted nor dropped (`herald_ephemeral_"
                + "sent_total` − `received_total` − `dropped_total`), times the subscribers: lost in the kernel, e.g. a full "
                + "socket receive buffer; in brackets the edge's own count of sequence gaps (`herald_ephemeral_lost_total`). "
                + "*Dropped by the edge*: datagrams it read and refused (`herald_ephemeral_dropped_total`, all reasons), times "
                + "the subscribers. *I/O thread behind*: frames skipped because the connection's I/O thread already had 512 "
                + "events to deliver (`herald_edge_ephemeral_skipped_total{reason=\"backlog\"}`). *Queue over half full*: "
                + "frames skipped because the connection's outbound queue was (`reason=\"queue\"`). *Other*: missing receipts "
                + "no counter accounts for, such as frames still on their way when the wait ended (the run waits until ")
                .append(FanoutRun.QUIET_TIMEOUT.toSeconds()).append(" s pass without a receipt).\n");
        long slowCloses = figures.overload().stream().mapToLong(o -> o.lane().slowCloses()).sum();
        md.append(slowCloses == 0
                ? "- The overloaded edge shed ephemeral events and closed no connection (*Slow closes* 0 at every rate).\n"
                : "- The edge closed " + num(slowCloses) + " connections as too slow during the overload steps.\n");
        md.append("- The load generator, broker, ingest and edge share the machine's ").append(run.machine().cpus())
                .append(" CPUs; the overload steps overload the machine as much as the edge, so the rate where loss "
                        + "starts is this machine's, not the edge's alone.\n");
        return md.toString();
    }

    /** The tables, for the console. */
    String console() {
        return figures.interference().consoleHeader()
                + "\n\nLatency: ephemeral beside durable\n\n" + latencyTable() + "\n" + latencyVerdict()
                + "\n\nLoss when the receivers are overloaded\n\n" + overloadTable();
    }

    private String latencyVerdict() {
        FanoutResult d = figures.durable();
        FanoutResult e = figures.ephemeral();
        return "Ephemeral p99 − durable p99: " + signed(e.latency().p99Ms() - d.latency().p99Ms()) + " ms; p50: "
                + signed(e.latency().p50Ms() - d.latency().p50Ms()) + " ms. " + completeness("Durable", d) + " "
                + completeness("Ephemeral", e);
    }

    private String latencyTable() {
        EndToEndResult e2e = figures.endToEnd();
        StringBuilder t = new StringBuilder();
        t.append("| Path | Rate | Receipts | p50 | p99 | p99.9 | max |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        t.append("| Kafka `EndToEndLatency`, acks=all, ").append(num(settings.endToEndRecords())).append(" records of ")
                .append(num(settings.payloadBytes())).append(" bytes one at a time, send → ack → consumed | – | – | ")
                .append(e2e.p50Ms()).append(" ms | ").append(e2e.p99Ms()).append(" ms | ").append(e2e.p999Ms())
                .append(" ms | – |\n");
        row(t, "Herald **durable**, HTTP publish → Kafka → WebSocket receipt", figures.durable());
        row(t, "Herald **ephemeral**, HTTP publish → multicast → WebSocket receipt", figures.ephemeral());
        return t.toString();
    }

    private static void row(StringBuilder t, String name, FanoutResult r) {
        LatencySummary l = r.latency();
        t.append("| ").append(name).append(", ").append(num(r.subscribers())).append(" subscribers | ")
                .append(num(r.publishedPerSec())).append(" events/s | ").append(num(r.received())).append(" of ")
                .append(num(r.expected())).append(" | ").append(fmt(l.p50Ms())).append(" ms | **").append(fmt(l.p99Ms()))
                .append(" ms** | ").append(fmt(l.p999Ms())).append(" ms | ").append(fmt(l.maxMs())).append(" ms |\n");
        LatencySummary f = r.firstReceipt();
        t.append("| the same events, each one's first receipt on any connection | | | ").append(fmt(f.p50Ms())).append(" ms | ")
                .append(fmt(f.p99Ms())).append(" ms | ").append(fmt(f.p999Ms())).append(" ms | ").append(fmt(f.maxMs()))
                .append(" ms |\n");
    }

    private String overloadTable() {
        StringBuilder t = new StringBuilder();
        t.append("| Asked events/s | Published events/s | Deliveries asked/s | Receipts | Loss | Not read by the edge | "
                + "Dropped by the edge | I/O thread behind | Queue over half full | Other | p50 | p99 | Slow closes |\n");
        t.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (OverloadStep step : figures.overload()) {
            FanoutResult r = step.result();
            LaneCounters lane = step.lane();
            t.append("| ").append(num(step.rate())).append(" | ").append(num(r.publishedPerSec())).append(" | ")
                    .append(num((long) step.rate() * r.subscribers())).append(" | ").append(num(r.received())).append(" of ")
                    .append(num(r.expected())).append(" | **").append(percent(step.lossRatio())).append("** | ")
                    .append(num(step.unreadReceipts())).append(" (").append(num(lane.unread())).append(" datagrams; ")
                    .append(num(lane.lost())).append(" gaps) | ").append(num(step.droppedReceipts())).append(" | ")
                    .append(num(lane.skippedBacklog())).append(" | ").append(num(lane.skippedQueue())).append(" | ")
                    .append(num(step.unaccounted())).append(" | ").append(fmt(r.latency().p50Ms())).append(" ms | ")
                    .append(fmt(r.latency().p99Ms())).append(" ms | ").append(num(lane.slowCloses())).append(" |\n");
        }
        return t.toString();
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    private static String completeness(String path, FanoutResult r) {
        if (r.complete()) {
            return path + ": every subscriber received every accepted event once (" + num(r.received()) + " receipts).";
        }
        return path + ": " + num(r.received()) + " of " + num(r.expected()) + " receipts, " + num(r.missing()) + " missing, "
                + num(r.repeats()) + " repeated, " + num(r.failed()) + " publishes not accepted.";
    }
}
