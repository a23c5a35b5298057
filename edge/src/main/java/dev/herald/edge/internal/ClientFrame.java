package dev.herald.edge.internal;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One text frame a WebSocket client sent, read once: a JSON object with an {@code op}, an
 * optional {@code ref} (echoed on the answer: a number or a string) and the op's own fields.
 *
 * <p>Contract: {@link #parse} returns a frame with a known {@link Op} or throws {@link Invalid}
 * saying what is wrong (with the frame's {@code ref} when it had one), for any text; nothing else.
 *
 * @param op   what the client asks
 * @param ref  the client's {@code ref}, or {@code null}
 * @param body the whole frame, for the op's fields
 */
record ClientFrame(Op op, Object ref, JsonNode body) {

    /** The ops a client may send. */
    enum Op {
        AUTH, REFRESH, SUBSCRIBE, UNSUBSCRIBE, PUBLISH;

        /** The op's name on the wire. */
        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String KNOWN = "auth, refresh, subscribe, unsubscribe, publish";

    /**
     * Reads {@code text}.
     *
     * @throws Invalid when it is not a JSON object, or names no known op
     */
    static ClientFrame parse(String text) {
        if (text == null) {
            throw new Invalid(null, "frame is not JSON");
        }
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(text);
        } catch (IOException e) {
            throw new Invalid(null, "frame is not JSON");
        }
        if (frame == null || !frame.isObject()) {
            throw new Invalid(null, "frame is not a JSON object");
        }
        JsonNode refNode = frame.get("ref");
        Object ref = refNode == null || refNode.isNull() ? null : refNode.isNumber() ? refNode.numberValue() : refNode.asText();
        String op = frame.path("op").asText("");
        for (Op known : Op.values()) {
            if (known.wire().equals(op)) {
                return new ClientFrame(known, ref, frame);
            }
        }
        throw new Invalid(ref, "unknown op '" + op + "'; known: " + KNOWN);
    }

    /** The text of field {@code name}, or {@code null} when it is absent or JSON null. */
    String text(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Field {@code name} as JSON, or {@code null} when absent. */
    JsonNode field(String name) {
        return body.get(name);
    }

    /** A frame the edge cannot act on; answered with an {@code invalid-frame} error, the connection lives on. */
    static final class Invalid extends RuntimeException {

        private final transient Object ref;

        Invalid(Object ref, String message) {
            super(message, null, false, false);
            this.ref = ref;
        }

        /** The frame's {@code ref}, or {@code null}. */
        Object ref() {
            return ref;
        }
    }
}
