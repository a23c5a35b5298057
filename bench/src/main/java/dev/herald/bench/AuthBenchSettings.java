package dev.herald.bench;

/**
 * The sizes of one {@code bench auth} run: each round measures, on each side (tokens off and on),
 * the opening of {@code connections} subscribers, the edge's heap with them, deliveries per
 * second to them, and ingest's single-POST latency.
 *
 * @param connections             WebSocket subscribers of one channel, opened in each round on each side
 * @param rounds                  measured rounds; the side that goes first alternates from round to round
 * @param throughputSeconds       length of each deliveries-per-second run
 * @param throughputWarmupSeconds deliveries as fast as the subscribers receive before each, not reported
 * @param window                  most events published ahead of the slowest delivery in those runs
 * @param payloadBytes            size of every fanout event's payload
 * @param rate                    single POSTs per second of each ingest open loop
 * @param seconds                 length of each ingest open loop
 * @param warmupSeconds           single POSTs at {@code rate} before each, not reported
 * @param partitions              partitions of each side's topic
 */
record AuthBenchSettings(int connections, int rounds, int throughputSeconds, int throughputWarmupSeconds, int window,
                         int payloadBytes, int rate, int seconds, int warmupSeconds, int partitions) {

    AuthBenchSettings {
        if (connections < 1 || rounds < 1 || throughputSeconds < 1 || throughputWarmupSeconds < 0 || window < 1 || rate < 1
                || seconds < 1 || warmupSeconds < 0 || partitions < 1) {
            throw new IllegalArgumentException("every benchmark size must be positive (warm-ups may be 0): connections="
                    + connections + ", rounds=" + rounds + ", throughput seconds=" + throughputSeconds + ", window=" + window
                    + ", rate=" + rate + ", seconds=" + seconds);
        }
        if (payloadBytes < FanoutPublisher.minimumPayloadBytes()) {
            throw new IllegalArgumentException("--payload-bytes must be at least " + FanoutPublisher.minimumPayloadBytes()
                    + " (a timestamp and a sequence number), not " + payloadBytes);
        }
    }
}
