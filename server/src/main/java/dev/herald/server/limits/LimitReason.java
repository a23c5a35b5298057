package dev.herald.server.limits;

/**
 * Which limit refused something. Each reason has a stable lower-case {@link #tag()}, the value of
 * the {@code reason} tag on the refusal metric ({@link LimitRefusals}); tags never change once
 * released, so dashboards and alerts keep working.
 */
public enum LimitReason {

    /** A WebSocket client sent frames faster than its connection's frame rate. */
    FRAMES("frames"),
    /** A client address holds as many open connections as an edge allows it. */
    CONNECTIONS("connections"),
    /** A client address opened new connections faster than an edge allows it. */
    NEW_CONNECTIONS("new_connections"),
    /** A publisher (its subject, or its address when anonymous) published too many events a second. */
    PUBLISHES("publishes"),
    /** A publisher published too many payload bytes a second. */
    PUBLISH_BYTES("publish_bytes");

    private final String tag;

    LimitReason(String tag) {
        this.tag = tag;
    }

    /** The metric tag value: lower case, stable. */
    public String tag() {
        return tag;
    }
}
