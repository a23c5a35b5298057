package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.signed;
import static dev.herald.bench.Numbers.verdict;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The figures of one {@code bench edge} run, judged against the targets, as the edge section of
 * {@code docs/benchmarks.md} and as the console's tables.
 *
 * <p>Targets: the p99 from HTTP publish to WebSocket receipt at most {@value #LATENCY_TARGET_MS} ms
 * above Kafka's {@code EndToEndLatency} p99, in the median of the latency runs (one run's p99 moves
 * by a few milliseconds from run to run on a small machine); at least {@value #DELIVERIES_TARGET}
 * deliveries per second at every connection count; at most {@value #HEAP_TARGET_KIB} KiB of edge heap per idle
 * connection. A run in which some subscriber missed or repeated an event, or some publish failed,
 * misses the target it belongs to whatever the figures.
 */
final class EdgeBenchReport {

    static final double LATENCY_TARGET_MS = 3.0;
    static final long DELIVERIES_TARGET = 200_000;
    static final double HEAP_TARGET_KIB = 20.0;

    /**
     * The edge's memory around the largest deliveries run.
     *
     * @param connections  idle subscribed connections in {@code idle} and {@code afterRun}
     * @param none         with no connection
     * @param idle         with the connections open and subscribed, before any event
     * @param afterRun     with the same connections idle again after the run
     */
    record Memory(int connections, EdgeProcess.Memory none, EdgeProcess.Memory idle, EdgeProcess.Memory afterRun) {

        /** Heap per connection, KiB: the larger of before and after the run. */
        double heapKiBPerConnection() {
            return Math.max(0, kiBPerConnection(Math.max(idle.heapBytes(), afterRun.heapBytes()), none.heapBytes()));
        }

        /** {@code bytes} above {@code baseline}, per connection, KiB. */
        double kiBPerConnection(long bytes, long baseline) {
            return (bytes - baseline) / 1024.0 / connections;
        }
    }

    /** The measurements of a run. */
    record Figures(List<Double> brokerWarmup, EndToEndResult endToEnd, List<LatencyRun> latencyRuns,
                   List<FanoutResult> throughput, Memory memory, InterferenceLog interference) {
    }

    /** One latency run and the CPU time it took. */
    record LatencyRun(FanoutResult result, FanoutCpu cpu) {
    }

    private final BenchRun run;
    private final EdgeBenchSettings settings;
    private final Figures figures;

    EdgeBenchReport(BenchRun run, EdgeBenchSettings settings, Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
    }

    /**
     * The latency run with the median p99 (of an even number, the worse of the middle two): what
     * the target is judged on.
     */
    LatencyRun medianRun() {
        List<LatencyRun> sorted = figures.latencyRuns().stream()
                .sorted(Comparator.comparingDouble(r -> r.result().latency().p99Ms())).toList();
        return sorted.get(sorted.size() / 2);
    }

    /** {@code run}'s publish-to-receipt p99 minus {@code EndToEndLatency}'s p99, ms. */
    private double p99DifferenceMs(LatencyRun run) {
        return run.result().latency().p99Ms() - figures.endToEnd().p99Ms();
    }

    /** The median run's p99 minus {@code EndToEndLatency}'s p99, ms. */
    double p99DifferenceMs() {
        return p99DifferenceMs(medianRun());
    }

    boolean latencyTargetMet() {
        return figures.latencyRuns().stream().allMatch(r -> r.result().complete()) && p99DifferenceMs() <= LATENCY_TARGET_MS;
    }

    /** "+1.20, +5.10 and +4.00 ms" (each run's p99 difference, in run order). */
    private String runDifferences() {
        List<String> each = figures.latencyRuns().stream().map(r -> signed(p99DifferenceMs(r))).toList();
        return each.size() == 1 ? each.get(0) + " ms"
                : String.join(", ", each.subList(0, each.size() - 1)) + " and " + each.get(each.size() - 1) + " ms";
    }

    boolean deliveriesTargetMet() {
        return figures.throughput().stream().allMatch(r -> r.complete() && r.deliveriesPerSec() >= DELIVERIES_TARGET);
    }

    boolean heapTargetMet() {
        return figures.memory() != null && figures.memory().heapKiBPerConnection() <= HEAP_TARGET_KIB;
    }

    /** The edge section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        InterferenceLog interference = figures.interference();
        StringBuilder md = new StringBuilder();
        md.append("## Edge: `./herald bench edge`\n\n");
        md.append("Herald's fanout from an HTTP publish to WebSocket subscribers beside Kafka's own `EndToEndLatency`, on "
                + "the same broker in the same run. The broker and Herald's ingest run in the benchmark's JVM, the edge in a "
                + "JVM of its own (`").append(EdgeProcess.HEAP).append("`, so that its heap is measured alone), and the "
                + "subscribers are lean NIO WebSocket clients (`WsLoad`, 2 threads) in the benchmark's JVM: everything on the "
                + "machine's ").append(run.machine().cpus()).append(" CPUs, over loopback. ").append(FanoutRun.PUBLISHERS)
                .append(" publishers send single POSTs, each over a keep-alive connection of its own; each payload is ")
                .append(num(settings.payloadBytes())).append(" bytes of JSON carrying its due time and a sequence number, so "
                + "every receipt gives a latency and every subscriber is checked for missing and repeated events. The log topic has ").append(settings.partitions()).append(" partitions; "
                + "ingest publishes with `acks=all` and idempotence, like `EndToEndLatency`'s producer.\n\n");
        md.append(interference.markdownWarning());
        md.append("### Run\n\n");
        md.append(run.runTable());
        md.append("| Warm-up, not reported | broker first: ").append(figures.brokerWarmup().size())
                .append(" × 300,000 records of 1 KiB with `ProducerPerformance` (")
                .append(figures.brokerWarmup().stream().map(Numbers::num).collect(Collectors.joining(" → ")))
                .append(" records/s); before the latency run ").append(settings.throughputWarmupSeconds())
                .append(" s as fast as the subscribers receive (so that the JIT has compiled the per-event code) then ")
                .append(settings.warmupSeconds()).append(" s at ").append(num(settings.rate())).append(" events/s; ").append(settings.throughputWarmupSeconds())
                .append(" s before each deliveries run |\n");
        md.append(interference.markdownRow()).append('\n');

        md.append("### Latency\n\n");
        md.append(latencyTable()).append('\n');
        md.append("Target: p99 within ").append(fmt(LATENCY_TARGET_MS)).append(" ms of Kafka's `EndToEndLatency` p99, judged on "
                + "the median of the runs — **").append(verdict(latencyTargetMet())).append("** (").append(signed(p99DifferenceMs()))
                .append(" ms; run by run ").append(runDifferences()).append("). ")
                .append(figures.latencyRuns().stream().map(r -> completeness(r.result())).distinct().collect(Collectors.joining(" ")))
                .append("\n\n");
        md.append(cpuNote()).append("\n\n");

        md.append("### Deliveries per second\n\n");
        md.append(throughputTable()).append('\n');
        md.append("Target: at least ").append(num(DELIVERIES_TARGET)).append(" deliveries/s with the load generator on the "
                + "same machine — **").append(verdict(deliveriesTargetMet())).append("**. ");
        md.append(figures.throughput().stream().map(r -> num(r.subscribers()) + " subscribers: " + completeness(r))
                .collect(Collectors.joining(" "))).append("\n\n");

        md.append("### Heap per idle connection\n\n");
        if (figures.memory() == null) {
            md.append("Not measured in this run.\n\n");
        } else {
            md.append(memoryTable()).append('\n');
            md.append("Target: at most ").append(fmt(HEAP_TARGET_KIB)).append(" KiB of heap per idle connection — **")
                    .append(verdict(heapTargetMet())).append("** (").append(fmt(figures.memory().heapKiBPerConnection()))
                    .append(" KiB, the larger of before and after the run).\n\n");
        }

        md.append("### Notes\n\n");
        md.append("- Latency runs from the time an event was *due* to be published (an open loop at a fixed rate, so a "
                + "late publish counts against it) to the moment a subscriber's client read the frame; it spans the HTTP "
                + "POST, ingest, Kafka's `acks=all` write, the edge's fetch, its fan-out and the WebSocket write. Every "
                + "receipt is one sample (HdrHistogram, microsecond precision).\n");
        md.append("- `EndToEndLatency` sends one record at a time, waits for its `acks=all` acknowledgement and for a "
                + "consumer to read it back, with nothing else in flight; it prints whole milliseconds, rounded down, "
                + "so a Kafka p99 of `N` ms means somewhere in [N, N+1) ms.\n");
        md.append("- Deliveries per second: the publisher keeps at most ").append(num(settings.window()))
                .append(" events ahead of what every subscriber has received (a closed loop), so the figure is what the "
                + "edge sustains without any subscriber falling behind or being closed as slow. It counts receipts over the "
                + "time from the first publish to the last receipt. Its latency columns show how long events waited in "
                + "that window and are not comparable with the latency run.\n");
        md.append("- Heap: the edge's JVM runs two full collections (`System.gc()`) before each reading, so the figures are "
                + "live objects. The resident set includes RocksDB's native memory, thread stacks and the JVM's own; the "
                + "kernel's socket buffers are in neither.\n");
        md.append("- The broker, ingest, the publisher, ").append(num(settings.largestConnections()))
                .append(" client connections and the edge share the machine's ").append(run.machine().cpus())
                .append(" CPUs, so each figure includes the others' load; on a machine this small the figures vary from run "
                        + "to run.\n");
        if (!latencyTargetMet()) {
            md.append("- Latency target missed. Likely reason: ").append(BenchFindings.EDGE_LATENCY).append('\n');
        }
        return md.toString();
    }

    /** The tables and verdicts, for the console. */
    String console() {
        InterferenceLog interference = figures.interference();
        return interference.consoleHeader()
                + "\n\nLatency\n\n" + latencyTable() + "\nmedian run's p99 - EndToEndLatency p99 = " + signed(p99DifferenceMs())
                + " ms (run by run " + runDifferences() + "), target <= " + fmt(LATENCY_TARGET_MS) + " ms: "
                + verdict(latencyTargetMet()) + "\n" + cpuNote()
                + "\n\nDeliveries per second\n\n" + throughputTable() + "\ntarget >= " + num(DELIVERIES_TARGET) + "/s: "
                + verdict(deliveriesTargetMet())
                + (figures.memory() == null ? "" : "\n\nHeap per idle connection\n\n" + memoryTable() + "\ntarget <= "
                + fmt(HEAP_TARGET_KIB) + " KiB: " + verdict(heapTargetMet())) + "\n";
    }

    private String latencyTable() {
        EndToEndResult e2e = figures.endToEnd();
        StringBuilder t = new StringBuilder();
        t.append("| Measurement | Rate | p50 | p99 | p99.9 | max |\n");
        t.append("|---|---:|---:|---:|---:|---:|\n");
        t.append("| Kafka `EndToEndLatency`, acks=all, ").append(num(settings.endToEndRecords())).append(" records of ")
                .append(num(settings.payloadBytes())).append(" bytes one at a time, send → ack → consumed | – | ")
                .append(e2e.p50Ms()).append(" ms | ").append(e2e.p99Ms()).append(" ms | ").append(e2e.p999Ms())
                .append(" ms | – |\n");
        int runs = figures.latencyRuns().size();
        for (int i = 0; i < runs; i++) {
            FanoutResult h = figures.latencyRuns().get(i).result();
            LatencySummary l = h.latency();
            t.append("| Herald run ").append(i + 1).append(" of ").append(runs).append(", HTTP publish → WebSocket receipt, ")
                    .append(num(h.subscribers())).append(" subscribers, ").append(num(h.published())).append(" events in ")
                    .append(settings.seconds()).append(" s (").append(num(l.count())).append(" receipts) | ")
                    .append(num(h.publishedPerSec())).append(" events/s | ").append(fmt(l.p50Ms())).append(" ms | ")
                    .append(fmt(l.p99Ms())).append(" ms | ").append(fmt(l.p999Ms())).append(" ms | ").append(fmt(l.maxMs()))
                    .append(" ms |\n");
            LatencySummary f = h.firstReceipt();
            t.append("| … the same events, each one's first receipt on any connection (the path without the fan-out) | | ")
                    .append(fmt(f.p50Ms())).append(" ms | ").append(fmt(f.p99Ms())).append(" ms | ").append(fmt(f.p999Ms()))
                    .append(" ms | ").append(fmt(f.maxMs())).append(" ms |\n");
        }
        t.append("| Herald median run's p99 − Kafka `EndToEndLatency` p99 | | | ").append(signed(p99DifferenceMs()))
                .append(" ms | | |\n");
        return t.toString();
    }

    /** What the latency run cost in CPU, and the shortest fan-out of one event that follows from it. */
    private String cpuNote() {
        FanoutCpu cpu = medianRun().cpu();
        if (!cpu.known()) {
            return "CPU per delivery: unknown on this OS.";
        }
        return "CPU per delivery during the median latency run: " + fmt(cpu.edgeMicrosPerDelivery()) + " µs in the edge, "
                + fmt(cpu.benchmarkMicrosPerDelivery()) + " µs in the benchmark's JVM (the subscribers' client, publishers, "
                + "ingest and broker), " + fmt(cpu.microsPerDelivery()) + " µs in all. One event to " + num(cpu.subscribers())
                + " subscribers is then about " + fmt(cpu.microsPerDelivery() * cpu.subscribers() / 1_000.0) + " ms of CPU, "
                + "so even with all " + cpu.cpus() + " CPUs on it and nothing else, its last receipt comes about "
                + fmt(cpu.fanOutFloorMs()) + " ms after its first (a little less: some of the benchmark JVM's time is per event, "
                + "not per delivery).";
    }

    private String throughputTable() {
        StringBuilder t = new StringBuilder();
        t.append("| Subscribers (one channel) | Events | Receipts | Seconds | Deliveries/s | Payload MiB/s | p50 | p99 |\n");
        t.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FanoutResult r : figures.throughput()) {
            t.append("| ").append(num(r.subscribers())).append(" | ").append(num(r.published())).append(" | ")
                    .append(num(r.received())).append(" | ").append(fmt(r.seconds())).append(" | **")
                    .append(num(r.deliveriesPerSec())).append("** | ")
                    .append(fmt(r.deliveriesPerSec() * settings.payloadBytes() / (1024.0 * 1024.0))).append(" | ")
                    .append(fmt(r.latency().p50Ms())).append(" ms | ").append(fmt(r.latency().p99Ms())).append(" ms |\n");
        }
        return t.toString();
    }

    private String memoryTable() {
        Memory m = figures.memory();
        StringBuilder t = new StringBuilder();
        t.append("| Edge JVM | Heap after full GC | Resident set |\n");
        t.append("|---|---:|---:|\n");
        t.append("| no connections | ").append(mib(m.none().heapBytes())).append(" | ").append(mib(m.none().residentBytes())).append(" |\n");
        t.append("| ").append(num(m.connections())).append(" idle subscribed connections, before any event | ")
                .append(mib(m.idle().heapBytes())).append(" | ").append(mib(m.idle().residentBytes())).append(" |\n");
        t.append("| the same connections, idle after the deliveries run | ").append(mib(m.afterRun().heapBytes())).append(" | ")
                .append(mib(m.afterRun().residentBytes())).append(" |\n");
        t.append("| per connection, before any event | ")
                .append(fmt(m.kiBPerConnection(m.idle().heapBytes(), m.none().heapBytes()))).append(" KiB | ")
                .append(fmt(m.kiBPerConnection(m.idle().residentBytes(), m.none().residentBytes()))).append(" KiB |\n");
        t.append("| per connection, after the run | ")
                .append(fmt(m.kiBPerConnection(m.afterRun().heapBytes(), m.none().heapBytes()))).append(" KiB | ")
                .append(fmt(m.kiBPerConnection(m.afterRun().residentBytes(), m.none().residentBytes()))).append(" KiB |\n");
        return t.toString();
    }

    private static String completeness(FanoutResult r) {
        if (r.complete()) {
            return "Every subscriber received every acknowledged event once, in order (" + num(r.received()) + " receipts).";
        }
        return "**Incomplete**: " + num(r.received()) + " of " + num(r.expected()) + " receipts, " + num(r.missing())
                + " missing, " + num(r.repeats()) + " repeated, " + num(r.failed()) + " publishes not acknowledged.";
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : fmt(bytes / (1024.0 * 1024.0)) + " MiB";
    }
}
