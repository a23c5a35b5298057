package dev.herald.bench;

/**
 * What the benchmark's author found when a target was missed on the reference machine: the
 * one-line likely reason the report prints beside a missed target.
 */
final class BenchFindings {

    /** Why batch ingest falls short of the raw producer's throughput. */
    static final String THROUGHPUT = "ingest does per-event work the raw producer does not (a Jackson parse and "
            + "re-serialisation of each line, the CloudEvents envelope, a timeout timer per event, a JSON result per line), "
            + "part of it on the Kafka producer's single network thread, all on the same CPUs as the broker.";

    /** Why a single POST's p99 is further above the raw producer's than the target allows. */
    static final String LATENCY = "CPU contention: the broker, ingest and the HTTP load generator share the machine's "
            + "CPUs, so a GC pause or JIT compilation in any of them lands in the tail; each POST also crosses three "
            + "thread hand-offs (I/O thread, worker, producer network thread, I/O thread).";

    /** Why the fanout's publish-to-receipt p99 is further above Kafka's EndToEndLatency than the target allows. */
    static final String EDGE_LATENCY = "CPU. Each event becomes 1,000 socket writes on the edge and 1,000 reads in the "
            + "client, one system call each, most of it kernel time (loopback TCP: the write runs the receiver's side too), "
            + "on the same 2 CPUs as the broker, ingest and the publishers. The CPU line under the latency table gives about the "
            + "shortest one event's fan-out can last on this machine, longer than the 3 ms the target allows; a subscriber "
            + "late in the fan-out, or an event that arrives while the last one is still going out, waits for it. The first "
            + "receipt of each event shows the pipeline without the fan-out.";

    private BenchFindings() {
    }
}
