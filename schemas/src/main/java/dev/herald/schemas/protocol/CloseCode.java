package dev.herald.schemas.protocol;

/**
 * The codes an edge closes a WebSocket with (RFC 6455 7.4): the standard ones it uses and Herald's
 * own, in the range 4000-4999 that RFC 6455 leaves to applications. Each comes with the reason
 * text the edge sends with it when it has nothing more precise to say; a close frame's reason is
 * at most 123 bytes of UTF-8.
 *
 * <p>The edge also echoes a client's own close code when the client closes first; such a code
 * need not be one of these. The AsyncAPI document ({@code dev/herald/schemas/api/asyncapi.yaml})
 * lists the same codes.
 */
public enum CloseCode {

    /** 1000: the close handshake answered for a client that closed with no code; sent with no reason. */
    NORMAL(1000, ""),
    /** 1001: the edge is draining; the client reconnects, to any edge, and resumes each channel. */
    GOING_AWAY(1001, "edge shutting down: reconnect and resume"),
    /** 1002: the client broke the WebSocket protocol (an unmasked frame, a reserved opcode...); the reason says how. */
    PROTOCOL_ERROR(1002, "protocol error"),
    /** 1007: the client sent text, or a close reason, that is not UTF-8. */
    INVALID_PAYLOAD(1007, "text is not UTF-8"),
    /**
     * 1011: the edge cannot go on with the connection without a gap (a replay that failed part-way,
     * a delivery that threw, events gone from the log); the client reconnects and resumes each
     * channel, which tells it what it can no longer get.
     */
    INTERNAL_ERROR(1011, "reconnect and resume from your last position"),
    /** 4001: the client's token is missing, invalid or expired; it reconnects only with a new one. */
    UNAUTHORIZED(4001, "the token is missing, invalid or expired"),
    /** 4003: the client's token does not allow what the connection is for; retrying the same does not help. */
    FORBIDDEN(4003, "the token does not allow this"),
    /** 4008: the connection's outbound queue overflowed; the client reconnects and resumes each channel. */
    SLOW_CONSUMER(4008, "slow consumer: reconnect and resume from your last position"),
    /** 4029: the client sent more frames than its limit allows; it reconnects after a back-off. */
    RATE_LIMITED(4029, "too many frames");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /** The code as sent in the close frame. */
    public int code() {
        return code;
    }

    /** The reason text sent with the code unless the edge gives a more precise one. */
    public String reason() {
        return reason;
    }
}
