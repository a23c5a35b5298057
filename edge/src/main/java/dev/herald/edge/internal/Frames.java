package dev.herald.edge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.protocol.ResumeReason;
import dev.herald.schemas.protocol.RetainedReason;

/** The control frames the edge sends besides event frames: {@code subscribed}, {@code authenticated}, {@code unsubscribed} and {@code error}. */
final class Frames {

    static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    /**
     * The {@code subscribed} frame of {@code channel} at {@code position}: {@code recovered:true}
     * when {@code notRecovered} is {@code null}, else {@code recovered:false} with it as the
     * {@code reason}.
     */
    static byte[] subscribed(Object ref, String channel, String position, ResumeReason notRecovered) {
        return bytes(subscribedFields(ref, channel, position, notRecovered));
    }

    /**
     * The {@code subscribed} frame of a subscribe that asked for the channel's latest value
     * ({@code "last":true}), which follows it: {@code "retained":true} when {@code retained} is not
     * {@code null}, else as {@link #subscribed(Object, String, String, ResumeReason)}.
     */
    static byte[] subscribed(Object ref, String channel, String position, ResumeReason notRecovered, StoredFrame retained) {
        Map<String, Object> m = subscribedFields(ref, channel, position, notRecovered);
        if (retained != null) {
            m.put("retained", true);
        }
        return bytes(m);
    }

    /**
     * The {@code subscribed} frame of a subscribe that asked for the channel's latest value and gets
     * none: {@code "retained":false} and {@code "retained_reason"} say why.
     */
    static byte[] subscribed(Object ref, String channel, String position, ResumeReason notRecovered, RetainedReason missing) {
        Map<String, Object> m = subscribedFields(ref, channel, position, notRecovered);
        m.put("retained", false);
        m.put("retained_reason", missing.wire());
        return bytes(m);
    }

    private static Map<String, Object> subscribedFields(Object ref, String channel, String position, ResumeReason notRecovered) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "subscribed");
        if (ref != null) {
            m.put("ref", ref);
        }
        m.put("channel", channel);
        m.put("position", position);
        m.put("recovered", notRecovered == null);
        if (notRecovered != null) {
            m.put("reason", notRecovered.wire());
        }
        return m;
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

    /** The {@code error} frame answering the client frame of {@code ref} (none when {@code null}). */
    static byte[] error(Object ref, ErrorCode code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", "error");
        if (ref != null) {
            m.put("ref", ref);
        }
        m.put("code", code.wire());
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
