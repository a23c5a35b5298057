package dev.herald.schemas.protocol;

/**
 * Why a subscribe that asked for its channel's latest value ({@code "last":true}, SSE
 * {@code ?last=true}) gets none: the {@code retained_reason} of its {@code subscribed} frame,
 * which then says {@code "retained":false}. The subscription itself goes on live as asked; a
 * missing latest value never fails it. The AsyncAPI document
 * ({@code dev/herald/schemas/api/asyncapi.yaml}) lists the same reasons.
 */
public enum RetainedReason {

    /** The channel has no latest value: it never had an event, or its latest value was cleared. */
    NONE("none"),
    /** The edge keeps no latest values: the compacted topic of them does not exist (no streams service runs), or cannot be read. */
    UNAVAILABLE("unavailable"),
    /** The edge is still reading the latest values after its start and had not caught up within its wait; subscribe again shortly. */
    LOADING("loading"),
    /** The latest value was read from another log (another topic, or another partition count) than the edge follows. */
    EPOCH_MISMATCH("epoch-mismatch");

    private final String wire;

    RetainedReason(String wire) {
        this.wire = wire;
    }

    /** The reason as written in the frame. */
    public String wire() {
        return wire;
    }
}
