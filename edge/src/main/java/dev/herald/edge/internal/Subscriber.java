package dev.herald.edge.internal;

/** A connection as the subscription machinery sees it: a place to send frames. */
interface Subscriber {

    /** Queues a frame for the client; a subscriber that cannot keep up closes itself (4008). */
    void send(byte[] frame);
}
