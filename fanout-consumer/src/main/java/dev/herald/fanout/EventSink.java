package dev.herald.fanout;

/**
 * Where the fanout consumer hands each new event: the edge's subscription index.
 *
 * <p>Called on the poll thread only, in offset order within a partition, after the event is in
 * the store and after {@link FanoutConsumer#nextOffset} has moved past it. Must not block, and
 * must have handed the event on (to memory the edge delivers from) when it returns: offsets are
 * committed once {@code deliver} has returned for every event of a poll.
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
