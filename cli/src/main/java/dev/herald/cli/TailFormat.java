package dev.herald.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;

/**
 * How {@code herald tail} prints an event, one line each.
 *
 * <pre>
 * people:  TIME  PARTITION/OFFSET  ID  POSITION  DATA
 *          2026-01-21T10:00:00.123Z  4/17  0194...  AQAAAC...  {"hello":"world"}
 * --json:  {"channel":"demo","id":"0194...","time":"2026-01-21T10:00:00.123Z","ts":1769090400123,
 *           "position":"AQAAAC...","partition":4,"offset":17,"data":{"hello":"world"}}
 * </pre>
 *
 * The data is shown as an edge's frame carries it ({@link FrameCodec#isInlineJson}): a JSON
 * payload as JSON, with the white space between its tokens taken out so that it fits one line
 * (its strings and numbers exactly as published); any other payload as base64, which the line
 * marks with {@code base64:} and the JSON with {@code "encoding":"base64"}. Thread-safe; all
 * methods are static.
 */
final class TailFormat {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TailFormat() {
    }

    /** The event as a line for people. */
    static String line(TailedEvent e) {
        Event event = e.event();
        String data = FrameCodec.isInlineJson(event.contentType(), event.payload())
                ? compactJson(event.payload())
                : "base64:" + Base64.getEncoder().encodeToString(event.payload());
        return event.time() + "  " + e.partition() + "/" + e.offset() + "  " + event.id() + "  " + e.position() + "  " + data;
    }

    /** The event as one line of JSON. */
    static String json(TailedEvent e) {
        Event event = e.event();
        ByteArrayOutputStream out = new ByteArrayOutputStream(event.payload().length + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("channel", event.channel());
            g.writeStringField("id", event.id());
            g.writeStringField("time", event.time().toString());
            g.writeNumberField("ts", event.time().toEpochMilli());
            g.writeStringField("position", e.position());
            g.writeNumberField("partition", e.partition());
            g.writeNumberField("offset", e.offset());
            if (FrameCodec.isInlineJson(event.contentType(), event.payload())) {
                g.writeFieldName("data");
                g.writeRawValue(compactJson(event.payload()));
            } else {
                g.writeStringField("encoding", "base64");
                g.writeFieldName("data");
                g.writeBinary(event.payload());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("writing JSON in memory failed", ex);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * A well-formed JSON text without the white space between its tokens: strings (where a raw
     * line break cannot occur in JSON) and numbers are kept byte for byte.
     */
    static String compactJson(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
