package dev.herald.fanout;

/**
 * Where the fanout consumer hands each new event: the edge's subscription index.
 *
 * <p>Called on the poll thread only, in offset order within a partition, after the event is in
 * the store and after {@link FanoutConsumer#nextOffset} has moved past it. Must have handed the
 * event on (to memory the edge delivers from) when it returns: offsets are committed once
 * {@code deliver} has returned for every event of a poll. It may block while the edge is behind
 * with earlier events (back-pressure: the backlog then stays in Kafka rather than in memory),
 * but only while the edge makes progress: the poll thread neither polls nor updates its lag
 * gauges meanwhile, and a wait past the consumer's {@code max.poll.interval.ms} costs the edge
 * its partitions.
 */
@FunctionalInterface
public interface EventSink {

    /**
     * @param channel   the event's channel
     * @param partition its partition
     * @param offset    its offset
     * @param frame     its encoded frame, shared by every subscriber; never modify
     */
    void deliver(String channel, int partition, long offset, byte[] frame);
}
