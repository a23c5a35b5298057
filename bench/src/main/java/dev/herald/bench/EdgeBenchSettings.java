package dev.herald.bench;

import java.util.Arrays;

/**
 * The sizes of one {@code bench edge} run.
 *
 * @param subscribers              WebSocket subscribers of the latency run
 * @param rate                     events per second of the latency run
 * @param seconds                  length of the latency run
 * @param warmupSeconds            warm-up at {@code rate} before it, not reported
 * @param latencyRuns              latency runs one after the other; the target is judged on their median p99
 * @param connections              subscribers of each deliveries-per-second run, in order
 * @param throughputSeconds        length of each deliveries-per-second run
 * @param throughputWarmupSeconds  warm-up before each, not reported
 * @param window                   most events published ahead of the slowest delivery in those runs
 * @param payloadBytes             size of every event payload and of EndToEndLatency's records
 * @param endToEndRecords          records of EndToEndLatency
 * @param partitions               partitions of every topic
 */
record EdgeBenchSettings(int subscribers, int rate, int seconds, int warmupSeconds, int latencyRuns, int[] connections,
                         int throughputSeconds, int throughputWarmupSeconds, int window, int payloadBytes, int endToEndRecords, int partitions) {

    EdgeBenchSettings {
        if (subscribers < 1 || rate < 1 || seconds < 1 || warmupSeconds < 0 || latencyRuns < 1 || connections.length == 0
                || Arrays.stream(connections).anyMatch(c -> c < 1) || throughputSeconds < 1 || throughputWarmupSeconds < 0
                || window < 1 || endToEndRecords < 1 || partitions < 1) {
            throw new IllegalArgumentException("every benchmark size must be positive (warm-ups may be 0): subscribers="
                    + subscribers + ", rate=" + rate + ", seconds=" + seconds + ", latency runs=" + latencyRuns
                    + ", connections=" + Arrays.toString(connections) + ", throughput seconds=" + throughputSeconds + ", window=" + window + ", e2e records=" + endToEndRecords);
        }
        if (payloadBytes < FanoutPublisher.minimumPayloadBytes()) {
            throw new IllegalArgumentException("--payload-bytes must be at least " + FanoutPublisher.minimumPayloadBytes()
                    + " (a timestamp and a sequence number), not " + payloadBytes);
        }
        connections = connections.clone();
    }

    @Override
    public int[] connections() {
        return connections.clone();
    }

    /** The largest connection count, around which the heap is measured. */
    int largestConnections() {
        return Arrays.stream(connections).max().orElseThrow();
    }
}
