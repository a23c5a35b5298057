package dev.herald.bench;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram recorded in nanoseconds (three significant digits).
 *
 * @param count  values recorded
 * @param p50Ns  median, ns
 * @param p95Ns  95th percentile, ns
 * @param p99Ns  99th percentile, ns
 * @param p999Ns 99.9th percentile, ns
 * @param maxNs  largest value, ns
 */
record LatencySummary(long count, long p50Ns, long p95Ns, long p99Ns, long p999Ns, long maxNs) {

    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(nanos.getTotalCount(), nanos.getValueAtPercentile(50), nanos.getValueAtPercentile(95),
                nanos.getValueAtPercentile(99),
                nanos.getValueAtPercentile(99.9), nanos.getMaxValue());
    }

    double p50Ms() {
        return p50Ns / 1e6;
    }

    double p95Ms() {
        return p95Ns / 1e6;
    }

    double p99Ms() {
        return p99Ns / 1e6;
    }

    double p999Ms() {
        return p999Ns / 1e6;
    }

    double maxMs() {
        return maxNs / 1e6;
    }
}
