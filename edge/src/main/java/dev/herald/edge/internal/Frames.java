package dev.herald.edge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.schemas.protocol.ResumeReason;

/** The control frames the edge sends besides event frames: {@code subscribed} and {@code error}. */
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
