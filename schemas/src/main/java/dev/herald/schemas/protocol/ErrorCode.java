package dev.herald.schemas.protocol;

/**
 * The {@code code} of an edge's {@code error} frame ({@code {"op":"error","ref"?,"code","message"}}),
 * on a WebSocket or an SSE stream: a stable, lower-case, hyphenated identifier for programs,
 * next to a message for humans. An error frame does not close the connection. The AsyncAPI
 * document ({@code dev/herald/schemas/api/asyncapi.yaml}) lists the same codes.
 */
public enum ErrorCode {

    /** A frame that is not a JSON object, names an unknown {@code op}, lacks a member the op needs, or is binary. */
    INVALID_FRAME("invalid-frame"),
    /** A message longer than the edge's frame limit; it was skipped. */
    FRAME_TOO_LARGE("frame-too-large"),
    /** A channel name that breaks the naming rules. */
    INVALID_CHANNEL("invalid-channel"),
    /**
     * A {@code since} that is not a position, or is a position of another channel's partition; a
     * {@code since_time} that is not an RFC 3339 time; or both {@code since} and {@code since_time}.
     */
    INVALID_POSITION("invalid-position"),
    /** A {@code subscribe} of a channel the connection already follows. */
    ALREADY_SUBSCRIBED("already-subscribed"),
    /** A {@code subscribe} past the most channels one connection may follow. */
    TOO_MANY_SUBSCRIPTIONS("too-many-subscriptions"),
    /** An {@code unsubscribe} of a channel the connection does not follow. */
    NOT_SUBSCRIBED("not-subscribed"),
    /**
     * A {@code subscribe} with {@code since} while the edge has too many resumes waiting: nothing
     * was subscribed; subscribe again in a moment. On SSE the stream ends after it, and the
     * reconnect with {@code Last-Event-ID} retries.
     */
    RESUME_BUSY("resume-busy"),
    /** A {@code publish} to an edge that has no ephemeral lane. */
    EPHEMERAL_UNAVAILABLE("ephemeral-unavailable"),
    /** A {@code publish} whose event does not fit one datagram of the lane. */
    EVENT_TOO_LARGE("event-too-large"),
    /** A {@code publish} whose datagram the lane's socket refused; nothing was sent. */
    EPHEMERAL_SEND_FAILED("ephemeral-send-failed"),
    /** An operation that needs a token, without a valid one. */
    UNAUTHORIZED("unauthorized"),
    /** A {@code subscribe} or {@code publish} the token's channel permissions do not allow. */
    FORBIDDEN("forbidden"),
    /** An operation over the client's rate limit; nothing was done. */
    RATE_LIMITED("rate-limited");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as written in the frame. */
    public String wire() {
        return wire;
    }
}
