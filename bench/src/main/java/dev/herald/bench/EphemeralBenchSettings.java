package dev.herald.bench;

import java.util.Arrays;

/**
 * The sizes of one {@code bench ephemeral} run.
 *
 * @param subscribers              WebSocket subscribers of each path's channel
 * @param rate                     events per second of the latency runs
 * @param seconds                  length of each latency run
 * @param warmupSeconds            warm-up at {@code rate} before each, not reported
 * @param burstWarmupSeconds       warm-up as fast as the subscribers receive before that, not reported
 * @param window                   most events published ahead of the slowest delivery in that burst
 * @param payloadBytes             size of every event payload and of EndToEndLatency's records
 * @param endToEndRecords          records of EndToEndLatency
 * @param partitions               partitions of the log topic
 * @param overloadRates            ephemeral events per second of each overload step, in order
 * @param overloadSeconds          length of each overload step
 */
record EphemeralBenchSettings(int subscribers, int rate, int seconds, int warmupSeconds, int burstWarmupSeconds, int window,
                              int payloadBytes, int endToEndRecords, int partitions, int[] overloadRates, int overloadSeconds) {

    EphemeralBenchSettings {
        if (subscribers < 1 || rate < 1 || seconds < 1 || warmupSeconds < 0 || burstWarmupSeconds < 0 || window < 1
                || endToEndRecords < 1 || partitions < 1 || Arrays.stream(overloadRates).anyMatch(r -> r < 1)
                || overloadSeconds < 1) {
            throw new IllegalArgumentException("every benchmark size must be positive (warm-ups may be 0): subscribers="
                    + subscribers + ", rate=" + rate + ", seconds=" + seconds + ", window=" + window + ", e2e records="
                    + endToEndRecords + ", overload rates=" + Arrays.toString(overloadRates) + ", overload seconds="
                    + overloadSeconds);
        }
        if (payloadBytes < FanoutPublisher.minimumPayloadBytes()) {
            throw new IllegalArgumentException("--payload-bytes must be at least " + FanoutPublisher.minimumPayloadBytes()
                    + " (a timestamp and a sequence number), not " + payloadBytes);
        }
        overloadRates = overloadRates.clone();
    }

    @Override
    public int[] overloadRates() {
        return overloadRates.clone();
    }
}
