package dev.herald.edge.internal;

/**
 * A connection as the subscription machinery sees it: where a channel's frames go. Calls for
 * one channel come in offset order; a subscriber that cannot keep up closes itself (4008 on
 * WebSocket).
 */
interface Subscriber {

    /**
     * The {@code subscribed} frame of {@code channel}; the channel's events that follow are those
     * after {@code offset} (-1: from the start of its partition).
     */
    void subscribed(String channel, long offset, byte[] frame);

    /** The event at {@code offset} of {@code channel}, as its shared, encoded frame. */
    void event(String channel, long offset, byte[] frame);
}
