package dev.herald.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the ordered JSON objects of an admin status. */
public final class StatusMaps {

    private StatusMaps() {
    }

    /** A map of {@code key, value, key, value...}, in that order; values may be {@code null}. */
    public static Map<String, Object> ordered(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs; got " + pairs.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
