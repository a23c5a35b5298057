package dev.herald.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The kit's one JSON mapper, and parsing that fails a test with the text that was not JSON. */
public final class Json {

    /** A shared mapper, default settings; thread-safe for reading and writing. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code text} parsed; an {@link AssertionError} naming the text when it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
