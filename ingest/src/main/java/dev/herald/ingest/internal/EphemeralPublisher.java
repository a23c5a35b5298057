package dev.herald.ingest.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.ingest.internal.IngestMetrics.Api;
import dev.herald.ingest.internal.IngestMetrics.Result;
import dev.herald.lane.MulticastSender;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.server.http.Problem;

/**
 * Publishes {@code durability=ephemeral} events: one signed datagram to the multicast lane each,
 * never to Kafka. Accepted means sent, not received: the answer is 202 with
 * {@code {"id","channel","durability":"ephemeral"}}. An event too large for one datagram is
 * refused with 413; an ingest without a lane (no {@code ephemeral.secret}) answers 501.
 *
 * <p>Thread-safe.
 */
final class EphemeralPublisher {

    /** The answer to one ephemeral publish: the 202 body, or the problem. */
    record Outcome(Map<String, Object> accepted, Problem problem) {
    }

    private final MulticastSender sender;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final String source;

    /** @param sender the lane, or {@code null} when this ingest has none */
    EphemeralPublisher(MulticastSender sender, IngestMetrics metrics, Clock clock, String source) {
        this.sender = sender;
        this.metrics = metrics;
        this.clock = clock;
        this.source = source;
    }

    Outcome publish(Api api, String channel, String id, String type, String contentType, byte[] payload) {
        if (sender == null) {
            metrics.publish(api, Result.NOT_IMPLEMENTED);
            return new Outcome(null, IngestProblems.ephemeralUnavailable());
        }
        long now = clock.millis();
        Event event = new Event(id != null ? id : EventId.generate(now), channel, type, source, Instant.ofEpochMilli(now),
                contentType, payload);
        switch (sender.send(event)) {
            case SENT -> {
                metrics.publish(api, Result.ACCEPTED);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", event.id());
                body.put("channel", channel);
                body.put("durability", "ephemeral");
                return new Outcome(body, null);
            }
            case TOO_LARGE -> {
                metrics.publish(api, Result.TOO_LARGE);
                return new Outcome(null, IngestProblems.payloadTooLarge(sender.tooLargeReason(event) + "; publish it durably instead"));
            }
            default -> {
                metrics.publish(api, Result.UNAVAILABLE);
                return new Outcome(null, IngestProblems.ephemeralSendFailed());
            }
        }
    }
}
