package dev.herald.testkit;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.PositionCodec;

/**
 * Records one connection's subscriptions and durable events into a {@link DeliveryLedger}, from the
 * frames of the edge's WebSocket protocol: a {@code subscribed} answer starts the subscription after
 * the offset of the {@code since} position the client sent for that channel, or else after the
 * offset of the answer's own position (a live subscribe); an {@code event} with a position is a
 * receipt at that position's offset, {@code replayed} when the frame says so. Ephemeral events (no
 * position) are not recorded: nothing is promised for them. Thread-safe.
 */
public final class ReceiptRecorder {

    private final DeliveryLedger ledger;
    private final String subscriber;
    private final String connection;
    private final Map<String, String> sinceByChannel = new ConcurrentHashMap<>();

    /** Records as {@code connection} of {@code subscriber}. */
    public ReceiptRecorder(DeliveryLedger ledger, String subscriber, String connection) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** A frame the client sent: a {@code subscribe} with {@code since} is remembered for its answer. */
    public void onSent(JsonNode frame) {
        if ("subscribe".equals(frame.path("op").asText()) && frame.hasNonNull("since")) {
            sinceByChannel.put(frame.path("channel").asText(), frame.get("since").asText());
        }
    }

    /** A frame the edge sent. */
    public void onFrame(JsonNode frame) {
        String op = frame.path("op").asText();
        String channel = frame.path("channel").asText();
        if ("subscribed".equals(op)) {
            String since = sinceByChannel.remove(channel);
            String from = since != null ? since : frame.path("position").asText();
            ledger.subscribed(subscriber, connection, channel, offsetOf(from));
        } else if ("event".equals(op) && frame.hasNonNull("position")) {
            ledger.received(connection, channel, frame.path("id").asText(), offsetOf(frame.get("position").asText()),
                    frame.path("replayed").asBoolean(false));
        }
    }

    /** The offset a position names. */
    public static long offsetOf(String position) {
        return PositionCodec.decode(position).offset();
    }
}
