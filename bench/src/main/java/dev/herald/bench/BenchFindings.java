package dev.herald.bench;

/**
 * What the benchmark's author found when a target was missed on the reference machine: the
 * one-line likely reason the report prints beside a missed target.
 */
final class BenchFindings {

    /** Why batch ingest falls short of the raw producer's throughput. */
    static final String THROUGHPUT = "TODO";

    /** Why a single POST's p99 is further above the raw producer's than the target allows. */
    static final String LATENCY = "TODO";

    private BenchFindings() {
    }
}
