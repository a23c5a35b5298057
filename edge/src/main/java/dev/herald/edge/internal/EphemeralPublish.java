package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.lane.MulticastSender;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.protocol.ErrorCode;

/**
 * A WebSocket client's {@code {"op":"publish","channel":"c","data":...}}: an ephemeral event to
 * the multicast lane, which brings it to every edge's subscribers, this one's included. The
 * event's payload is {@code data} as JSON; it gets a new id and this edge's clock. Success has no
 * answer (the lane acknowledges nothing); a refusal is an error frame.
 *
 * <p>Thread-safe.
 */
final class EphemeralPublish {

    /** Why a publish was refused: the error frame's code and message. */
    record Refusal(ErrorCode code, String message) {
    }

    private final MulticastSender sender;
    private final Clock clock;
    private final String source;

    /** @param sender the lane, or {@code null} when this edge has none */
    EphemeralPublish(MulticastSender sender, Clock clock, String source) {
        this.sender = sender;
        this.clock = clock;
        this.source = source;
    }

    /** Sends the event, or says why not. */
    Refusal publish(String channel, JsonNode data) {
        if (sender == null) {
            return new Refusal(ErrorCode.EPHEMERAL_UNAVAILABLE,
                    "this edge has no ephemeral lane (set ephemeral.secret, the same on every ingest and edge)");
        }
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            return new Refusal(ErrorCode.INVALID_CHANNEL, violation);
        }
        if (data == null || data.isMissingNode()) {
            return new Refusal(ErrorCode.INVALID_FRAME, "publish needs \"data\": the event's payload as any JSON value");
        }
        long now = clock.millis();
        Event event = new Event(EventId.generate(now), channel, Event.DEFAULT_TYPE, source, Instant.ofEpochMilli(now),
                "application/json", data.toString().getBytes(StandardCharsets.UTF_8));
        return switch (sender.send(event)) {
            case SENT -> null;
            case TOO_LARGE -> new Refusal(ErrorCode.EVENT_TOO_LARGE, sender.tooLargeReason(event));
            case FAILED -> new Refusal(ErrorCode.EPHEMERAL_SEND_FAILED, "the lane's socket refused the datagram; nothing was sent");
        };
    }
}
