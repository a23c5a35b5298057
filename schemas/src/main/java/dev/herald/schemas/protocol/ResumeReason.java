package dev.herald.schemas.protocol;

/**
 * Why a resume point (a {@code since}, an SSE {@code Last-Event-ID}, or a {@code since_time})
 * could not be honoured:
 * the {@code reason} of a {@code subscribed} frame with {@code "recovered":false}. The
 * subscription then goes on live from now, and no missed event is delivered: the client is told
 * of the gap rather than left with it in silence. The AsyncAPI document
 * ({@code dev/herald/schemas/api/asyncapi.yaml}) lists the same reasons.
 */
public enum ResumeReason {

    /** The position names another log: another topic, or another partition count. */
    EPOCH_MISMATCH("epoch-mismatch"),
    /**
     * The position is older than the log's retention; or, for a {@code since_time}, the log's
     * retention deleted records of the partition and its first one left is later than that time.
     */
    OFFSET_OUT_OF_RANGE("offset-out-of-range"),
    /** The partition holds more records after the position than one resume reads from the log. */
    TOO_FAR_BEHIND("too-far-behind"),
    /** The events after the position cannot be read now. */
    HISTORY_UNAVAILABLE("history-unavailable");

    private final String wire;

    ResumeReason(String wire) {
        this.wire = wire;
    }

    /** The reason as written in the frame. */
    public String wire() {
        return wire;
    }
}
