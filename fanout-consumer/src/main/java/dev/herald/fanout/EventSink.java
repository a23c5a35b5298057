package dev.herald.fanout;

/**
 * Where the fanout consumer hands each new event: the edge's subscription index.
 *
 * <p>Called on the poll thread only, in offset order within a partition, after the event is in
 * the store and after {@link FanoutConsumer#nextOffset} has moved past it. {@link #deliver} must
 * have handed the event on (to memory the edge delivers from) when it returns, and must never
 * wait: offsets are committed once it has returned for every event of a poll, and the poll loop
 * has to keep polling, heartbeating, committing and reading lag. Back-pressure goes the other
 * way: while {@link #behind} says so, the consumer pauses its partitions (the backlog then stays
 * in Kafka, where it is measured as lag) and hands nothing more until it clears.
 */
public interface EventSink {

    /**
     * Hands an event on without waiting.
     *
     * @param channel   the event's channel
     * @param partition its partition
     * @param offset    its offset
     * @param frame     its encoded frame, shared by every subscriber; never modify
     */
    void deliver(String channel, int partition, long offset, byte[] frame);

    /**
     * Whether the sink holds as many undelivered events as it wants to: the consumer pauses
     * until this turns {@code false}. Called on the poll thread after each poll.
     */
    default boolean behind() {
        return false;
    }

    /**
     * The consumer's position in {@code partition} was outside the log and it read on from
     * elsewhere: events of the partition's channels were skipped. Subscribers of those channels
     * must be told (they reconnect and resume, and learn what is gone). Called on the poll thread.
     */
    default void positionLost(int partition) {
    }

    /**
     * The consumer stopped for good (fenced, or its thread died): nothing more will be delivered
     * here, and subscribers must be told to resume elsewhere. Called on the poll thread.
     */
    default void consumerStopped() {
    }
}
