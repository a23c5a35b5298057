package dev.herald.bench;

import java.time.Duration;

/**
 * The sizes of one {@code bench ingest} run.
 *
 * @param seconds             length of the single-POST open-loop run
 * @param rate                single-POST requests per second of the open loop, and records per
 *                            second of the raw fixed-rate producer run
 * @param warmupSeconds       open-loop warm-up of ingest before measuring, not reported
 * @param rawRecords          records of the raw max-throughput run
 * @param rawRateRecords      records of the raw fixed-rate run
 * @param endToEndRecords     records of the raw end-to-end latency run
 * @param closedConcurrency   requests in flight in the single-POST max-throughput run
 * @param closedSeconds       length of that run
 * @param batchEvents         events of the batch run
 * @param batchLines          events per batch request
 * @param batchConcurrency    batch requests in flight
 * @param partitions          partitions of every topic
 */
record BenchSettings(int seconds, int rate, int warmupSeconds, long rawRecords, long rawRateRecords,
                     int endToEndRecords, int closedConcurrency, int closedSeconds, long batchEvents,
                     int batchLines, int batchConcurrency, int partitions) {

    /** Longest any one batch run may take before it stops sending. */
    static final Duration BATCH_MAX_DURATION = Duration.ofSeconds(120);

    BenchSettings {
        if (seconds < 1 || rate < 1 || warmupSeconds < 0 || rawRecords < 1 || rawRateRecords < 1 || endToEndRecords < 1
                || closedConcurrency < 1 || closedSeconds < 1 || batchEvents < 1 || batchLines < 1
                || batchConcurrency < 1 || partitions < 1) {
            throw new IllegalArgumentException("every benchmark size must be positive (warm-up may be 0): " + this);
        }
    }
}
