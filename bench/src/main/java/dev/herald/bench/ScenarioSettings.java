package dev.herald.bench;

/**
 * The sizes of one scenario run ({@code bench fanout|channels|seed}).
 *
 * @param scenario               the scenario's name
 * @param subscribers            WebSocket connections, each one subscriber
 * @param channels               channels events are published to, {@code ch-0} to {@code ch-<channels-1>}
 * @param channelsPerSubscriber  channels each subscriber follows (subscriber {@code i}: channels
 *                               {@code i*k} to {@code i*k+k-1}, modulo {@code channels})
 * @param rate                   events per second, all channels together (event {@code n} goes to channel {@code n % channels})
 * @param payloadBytes           size of every payload
 * @param seconds                length of the measurement
 * @param warmupSeconds          publishing at {@code rate} before it, not counted
 * @param edges                  edges, each in a JVM of its own; subscriber {@code i} connects to edge {@code i % edges}
 */
record ScenarioSettings(String scenario, int subscribers, int channels, int channelsPerSubscriber, int rate, int payloadBytes,
                        int seconds, int warmupSeconds, int edges) {

    ScenarioSettings {
        if (subscribers < 1 || channels < 1 || channelsPerSubscriber < 1 || rate < 1 || seconds < 1 || warmupSeconds < 0 || edges < 1) {
            throw new IllegalArgumentException("every scenario size must be positive (the warm-up may be 0): subscribers="
                    + subscribers + ", channels=" + channels + ", channels per subscriber=" + channelsPerSubscriber + ", rate="
                    + rate + ", seconds=" + seconds + ", edges=" + edges);
        }
        if (channelsPerSubscriber > channels) {
            throw new IllegalArgumentException("--channels-per-subscriber (" + channelsPerSubscriber + ") cannot exceed --channels ("
                    + channels + ")");
        }
        if (payloadBytes < FanoutPublisher.minimumPayloadBytes()) {
            throw new IllegalArgumentException("--payload-bytes must be at least " + FanoutPublisher.minimumPayloadBytes()
                    + " (a timestamp and a sequence number), not " + payloadBytes);
        }
    }

    /** The channel event {@code n} goes to. */
    int channelOf(long n) {
        return (int) (n % channels);
    }

    /** The {@code j}-th channel of subscriber {@code i}. */
    int channelOf(int subscriber, int j) {
        return (int) (((long) subscriber * channelsPerSubscriber + j) % channels);
    }

    static String channelName(int c) {
        return "ch-" + c;
    }
}
