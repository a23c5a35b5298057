package dev.herald.bench;

import java.time.Duration;

/**
 * The sizes of one {@code bench ingest} run.
 *
 * @param seconds             length of the single-POST open-loop run
 * @param rate                single-POST requests per second of the open loop, and records per
 *                            second of the raw fixed-rate producer run
 * @param warmupSeconds       warm-up at {@code rate} before each fixed-rate run, raw and Herald, not
 *                            reported
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

    /** Length of the raw fixed-rate run, seconds at {@code rate}. */
    static final int RATE_RUN_SECONDS = 15;
    /** Records of the raw end-to-end latency run, sent one at a time. */
    static final int END_TO_END_RECORDS = 10_000;
    /** Requests in flight in the single-POST max-throughput run. */
    static final int CLOSED_LOOP_CONCURRENCY = 64;
    /** Length of the single-POST max-throughput run, seconds. */
    static final int CLOSED_LOOP_SECONDS = 10;
    /** Events per batch request. */
    static final int BATCH_LINES = 1_000;
    /** Batch requests in flight. */
    static final int BATCH_CONCURRENCY = 4;

    /** Longest any one batch run may take before it stops sending. */
    static final Duration BATCH_MAX_DURATION = Duration.ofSeconds(120);

    /** Rounds of {@link #rawRecords} records that warm the broker up before anything is measured. */
    static final int BROKER_WARMUP_ROUNDS = 5;

    /**
     * Warm-up before each throughput run, raw (in the tool's JVM) and Herald (records, events), not
     * reported: as many as the measured raw run.
     */
    long throughputWarmupRecords() {
        return rawRecords;
    }

    /** Warm-up before each fixed-rate run, raw and Herald (records, requests): {@code warmupSeconds × rate}. */
    long rateWarmupRecords() {
        return (long) warmupSeconds * rate;
    }

    /** The settings of {@code bench ingest} from its options, the other sizes fixed. */
    static BenchSettings of(int seconds, int rate, int warmupSeconds, long rawRecords, long batchEvents, int partitions) {
        return new BenchSettings(seconds, rate, warmupSeconds, rawRecords, (long) rate * RATE_RUN_SECONDS,
                END_TO_END_RECORDS, CLOSED_LOOP_CONCURRENCY, CLOSED_LOOP_SECONDS, batchEvents, BATCH_LINES,
                BATCH_CONCURRENCY, partitions);
    }

    BenchSettings {
        if (seconds < 1 || rate < 1 || warmupSeconds < 0 || rawRecords < 1 || rawRateRecords < 1 || endToEndRecords < 1
                || closedConcurrency < 1 || closedSeconds < 1 || batchEvents < 1 || batchLines < 1
                || batchConcurrency < 1 || partitions < 1) {
            throw new IllegalArgumentException("every benchmark size must be positive (warm-up may be 0): seconds="
                    + seconds + ", rate=" + rate + ", warm-up seconds=" + warmupSeconds + ", raw records=" + rawRecords
                    + ", batch events=" + batchEvents);
        }
    }
}
