package dev.herald.edge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The control frames the edge sends besides event frames: {@code subscribed}, {@code authenticated}, {@code unsubscribed} and {@code error}. */
final class Frames {

    static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    static byte[] subscribed(Object ref, String channel, String position, boolean recovered, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "subscribed");
        if (ref != null) {
            m.put("ref", ref);
        }
        m.put("channel", channel);
        m.put("position", position);
        m.put("recovered", recovered);
        if (reason != null) {
            m.put("reason", reason);
        }
        return bytes(m);
    }

    /** {@code {"op":"authenticated","ref":..,"subject":..,"expires":"<RFC 3339>"}}: a token was taken (auth or refresh). */
    static byte[] authenticated(Object ref, String subject, java.time.Instant expires) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "authenticated");
        if (ref != null) {
            m.put("ref", ref);
        }
        if (subject != null) {
            m.put("subject", subject);
        }
        if (expires != null) {
            m.put("expires", expires.toString());
        }
        return bytes(m);
    }

    /** {@code {"op":"unsubscribed","channel":..,"reason":..}}: the edge ended a subscription the client did not end. */
    static byte[] unsubscribed(String channel, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "unsubscribed");
        m.put("channel", channel);
        m.put("reason", reason);
        return bytes(m);
    }

    static byte[] error(Object ref, String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "error");
        if (ref != null) {
            m.put("ref", ref);
        }
        m.put("code", code);
        m.put("message", message);
        return bytes(m);
    }

    private static byte[] bytes(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
