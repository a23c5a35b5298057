package dev.herald.bench;

import java.util.List;
import java.util.stream.Collectors;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.pct;
import static dev.herald.bench.Numbers.signed;
import static dev.herald.bench.Numbers.verdict;

/**
 * The figures of one {@code bench ingest} run, judged against the targets and written as
 * Markdown: a short introduction, the machine, date and command, a throughput table and a
 * latency table. The same tables are what the run prints.
 *
 * <p>Targets: Herald's batch ingest reaches at least {@value #THROUGHPUT_TARGET_PCT}% of the raw
 * producer's records/s, and the p99 of single POSTs at the fixed rate is at most
 * {@value #LATENCY_TARGET_MS} ms above the raw {@code acks=all} producer's p99 at the same rate.
 * A target with any failed request is missed whatever the figures.
 */
final class BenchReport {

    static final int THROUGHPUT_TARGET_PCT = 70;
    static final double LATENCY_TARGET_MS = 2.0;

    /**
     * The measurements of a run.
     *
     * @param brokerWarmup records/s of each broker warm-up round, in order; not compared
     * @param interference how much CPU time other processes used during each measurement
     */
    record Figures(List<Double> brokerWarmup, ProducerPerfResult rawMax, ProducerPerfResult rawAtRate, EndToEndResult endToEnd,
                   SinglePublishLoad.Result singleAtRate, SinglePublishLoad.Result singleMax,
                   BatchPublishLoad.Result batch, InterferenceLog interference) {
    }

    private final BenchRun run;
    private final BenchSettings settings;
    private final Figures figures;

    BenchReport(BenchRun run, BenchSettings settings, Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
    }

    /** Herald batch events/s over raw producer records/s. */
    double throughputRatio() {
        return figures.batch().eventsPerSecond() / figures.rawMax().recordsPerSec();
    }

    boolean throughputTargetMet() {
        return figures.batch().failedRequests() == 0 && figures.batch().eventsCreated() == figures.batch().eventsSent()
                && throughputRatio() * 100 >= THROUGHPUT_TARGET_PCT;
    }

    /** Herald single-POST p99 minus the raw acks=all p99, both at the fixed rate, ms. */
    double p99DifferenceMs() {
        return figures.singleAtRate().latency().p99Ms() - figures.rawAtRate().p99Ms();
    }

    boolean latencyTargetMet() {
        return figures.singleAtRate().not201() == 0 && p99DifferenceMs() <= LATENCY_TARGET_MS;
    }

    /** This run's section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Ingest: `./herald bench ingest`\n\n");
        md.append("Herald's ingest API beside Kafka's own producer tools, on the same broker in the same run. Kafka's "
                + "`ProducerPerformance` and `EndToEndLatency` run first, each in a child JVM on a new topic; then Herald's "
                + "ingest server starts in the benchmark's JVM and is loaded over HTTP/1.1 on loopback: the open loop from "
                + "32 persistent connections on plain sockets (`KeepAliveLoad`), the closed loop and batches from "
                + "`java.net.http.HttpClient`. The broker, ingest and the load share this JVM, so their garbage "
                + "collection pauses show in each other's tails. Every payload and record is 1 KiB, every topic has " + settings.partitions()
                + " partitions and replication factor 1, every producer uses `acks=all`, `enable.idempotence=true` and "
                + "`linger.ms=0`. A Herald 201 means the event is acknowledged by Kafka with `acks=all`, so both sides "
                + "measure a durable write.\n\n");

        InterferenceLog interference = figures.interference();
        md.append(interference.markdownWarning());
        md.append("### Run\n\n");
        md.append(run.runTable());
        md.append("| Warm-up, not reported | broker first: ").append(figures.brokerWarmup().size()).append(" × ")
                .append(num(settings.rawRecords())).append(" records with `ProducerPerformance` (")
                .append(figures.brokerWarmup().stream().map(Numbers::num).collect(Collectors.joining(" → ")))
                .append(" records/s); then ").append(num(settings.throughputWarmupRecords()))
                .append(" records (events) before each throughput run; ").append(settings.warmupSeconds())
                .append(" s at the fixed rate before each latency run; raw runs warm up in their own JVM on their own topic |\n");
        md.append(interference.markdownRow()).append('\n');

        md.append("### Throughput\n\n");
        md.append(throughputTable()).append('\n');
        md.append("Latency columns: per record for `ProducerPerformance` (at full speed mostly time queued in the "
                + "producer's buffer), per request for Herald (a batch request carries ").append(num(settings.batchLines()))
                .append(" events).\n\n");
        md.append("Target: Herald batch ingest of 1 KiB events at ≥ ").append(THROUGHPUT_TARGET_PCT)
                .append("% of the raw producer's records/s — **").append(verdict(throughputTargetMet())).append("** (")
                .append(pct(throughputRatio())).append(").");
        if (figures.batch().failedRequests() > 0 || figures.batch().eventsCreated() != figures.batch().eventsSent()) {
            md.append(" ").append(num(figures.batch().eventsSent() - figures.batch().eventsCreated()))
                    .append(" batch events were not published (").append(num(figures.batch().failedRequests()))
                    .append(" failed requests).");
        }
        md.append("\n\n");

        md.append("### Latency\n\n");
        md.append(latencyTable()).append('\n');
        md.append("Target: single POST p99 within ").append(fmt(LATENCY_TARGET_MS)).append(" ms of raw Kafka's `acks=all` p99 at ")
                .append(num(settings.rate())).append(" requests/s — **").append(verdict(latencyTargetMet())).append("** (")
                .append(signed(p99DifferenceMs())).append(" ms).");
        if (figures.singleAtRate().not201() > 0) {
            md.append(" ").append(num(figures.singleAtRate().not201())).append(" requests were not answered 201.");
        }
        md.append("\n\n");

        md.append("### Notes\n\n");
        md.append("- Kafka's tools print latency percentiles in whole milliseconds, rounded down; Herald's come from an "
                + "HdrHistogram at microsecond precision. A raw p99 of `N` ms means somewhere in [N, N+1) ms, so the p99 "
                + "difference above may overstate Herald's overhead by up to 1 ms.\n");
        md.append("- `ProducerPerformance` times each record from `send()` to its acknowledgement, in the producer's own "
                + "process; Herald's single POST is timed from the request's scheduled send time to the 201 answer, so "
                + "it adds the HTTP round trip, JSON handling and any client-side queueing (no coordinated omission).\n");
        md.append("- `EndToEndLatency` sends one record at a time and waits until a consumer has read it back: send, "
                + "acknowledgement and fetch, with nothing else in flight.\n");
        md.append("- The broker, Herald's ingest server and the HTTP load generator share one JVM and the machine's ")
                .append(run.machine().cpus()).append(" CPUs; Kafka's tools run in a child JVM beside the broker. Herald's record "
                        + "carries a key and CloudEvents headers besides the 1 KiB payload, so it is somewhat larger on the wire.\n");
        md.append("- A broker in a new JVM keeps getting faster over its first million or so records (see the warm-up "
                + "row), hence the warm-up before anything is measured. On a machine this small the figures still vary "
                + "from run to run; compare several runs before reading much into a few percent.\n");
        if (!throughputTargetMet() || !latencyTargetMet()) {
            md.append(missedTargetNotes());
        }
        return md.toString();
    }

    /** The two tables and verdicts, for the console. */
    String console() {
        InterferenceLog interference = figures.interference();
        return interference.consoleHeader() + "\n\nThroughput\n\n" + throughputTable() + "\nbatch / raw = " + pct(throughputRatio()) + ", target >= "
                + THROUGHPUT_TARGET_PCT + "%: " + verdict(throughputTargetMet()) + "\n\nLatency\n\n" + latencyTable()
                + "\nsingle POST p99 - raw acks=all p99 = " + signed(p99DifferenceMs()) + " ms, target <= "
                + fmt(LATENCY_TARGET_MS) + " ms: " + verdict(latencyTargetMet()) + "\n";
    }

    private String throughputTable() {
        ProducerPerfResult raw = figures.rawMax();
        BatchPublishLoad.Result batch = figures.batch();
        SinglePublishLoad.Result single = figures.singleMax();
        double mib = BenchPayloads.EVENT_BYTES / (1024.0 * 1024.0);
        StringBuilder t = new StringBuilder();
        t.append("| Measurement | Records or events/s | Payload MiB/s | vs raw | p50 | p99 |\n");
        t.append("|---|---:|---:|---:|---:|---:|\n");
        t.append("| Kafka `ProducerPerformance --throughput -1`, ").append(num(raw.records())).append(" records ")
                .append("| ").append(num(raw.recordsPerSec())).append(" | ").append(fmt(raw.mbPerSec()))
                .append(" | 100% | ").append(raw.p50Ms()).append(" ms | ").append(raw.p99Ms()).append(" ms |\n");
        t.append("| Herald batch `POST /v1/events`, ").append(num(batch.eventsCreated())).append(" events, ")
                .append(num(settings.batchLines())).append(" a request, ").append(settings.batchConcurrency())
                .append(" in flight (latency per request) | ").append(num(batch.eventsPerSecond())).append(" | ")
                .append(fmt(batch.eventsPerSecond() * mib)).append(" | ").append(pct(throughputRatio())).append(" | ")
                .append(fmt(batch.batchLatency().p50Ms())).append(" ms | ").append(fmt(batch.batchLatency().p99Ms()))
                .append(" ms |\n");
        t.append("| Herald single `POST /v1/channels/{channel}/events`, max throughput, ")
                .append(settings.closedConcurrency()).append(" in flight for ").append(settings.closedSeconds())
                .append(" s | ").append(num(single.createdPerSecond())).append(" | ")
                .append(fmt(single.createdPerSecond() * mib)).append(" | ")
                .append(pct(single.createdPerSecond() / raw.recordsPerSec())).append(" | ")
                .append(fmt(single.latency().p50Ms())).append(" ms | ").append(fmt(single.latency().p99Ms())).append(" ms |\n");
        return t.toString();
    }

    private String latencyTable() {
        ProducerPerfResult raw = figures.rawAtRate();
        EndToEndResult e2e = figures.endToEnd();
        SinglePublishLoad.Result single = figures.singleAtRate();
        LatencySummary l = single.latency();
        StringBuilder t = new StringBuilder();
        t.append("| Measurement | Rate | p50 | p99 | p99.9 | max |\n");
        t.append("|---|---:|---:|---:|---:|---:|\n");
        t.append("| Kafka `ProducerPerformance --throughput ").append(settings.rate()).append("`, acks=all, ")
                .append(num(raw.records())).append(" records, send → ack | ").append(num(raw.recordsPerSec()))
                .append("/s | ").append(raw.p50Ms()).append(" ms | ").append(raw.p99Ms()).append(" ms | ")
                .append(raw.p999Ms()).append(" ms | ").append(fmt(raw.maxMs())).append(" ms |\n");
        t.append("| Kafka `EndToEndLatency`, acks=all, ").append(num(settings.endToEndRecords()))
                .append(" records one at a time, send → ack → consumed | – | ").append(e2e.p50Ms()).append(" ms | ")
                .append(e2e.p99Ms()).append(" ms | ").append(e2e.p999Ms()).append(" ms | – |\n");
        t.append("| Herald single POST, open loop, ").append(num(single.sent())).append(" requests in ")
                .append(settings.seconds()).append(" s, scheduled send → 201 | ").append(num(single.sentPerSecond()))
                .append("/s | ").append(fmt(l.p50Ms())).append(" ms | ").append(fmt(l.p99Ms())).append(" ms | ")
                .append(fmt(l.p999Ms())).append(" ms | ").append(fmt(l.maxMs())).append(" ms |\n");
        t.append("| Herald p99 − Kafka `ProducerPerformance` p99 | | | ").append(signed(p99DifferenceMs()))
                .append(" ms | | |\n");
        return t.toString();
    }

    private String missedTargetNotes() {
        StringBuilder notes = new StringBuilder();
        if (!throughputTargetMet()) {
            notes.append("- Throughput target missed. Likely reason: ").append(BenchFindings.THROUGHPUT).append('\n');
        }
        if (!latencyTargetMet()) {
            notes.append("- Latency target missed. Likely reason: ").append(BenchFindings.LATENCY).append('\n');
        }
        return notes.toString();
    }
}
