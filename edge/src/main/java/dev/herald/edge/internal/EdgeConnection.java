package dev.herald.edge.internal;

/** An open client connection of either protocol, as the edge's metrics and drain see it. */
interface EdgeConnection {

    /** {@code ws} or {@code sse}, the value of the {@code protocol} tag of the connection gauge. */
    String protocol();

    /** Bytes queued for the client and not yet written. */
    long queuedBytes();

    /** The edge is draining: tell the client to reconnect elsewhere and resume, and close. */
    void goAway();
}
