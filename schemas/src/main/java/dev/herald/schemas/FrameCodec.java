package dev.herald.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Encodes the JSON frame an edge sends for an event:
 *
 * <pre>{"op":"event","channel":"c","id":"...","position":"...","ts":1700000000000,"data":...}</pre>
 *
 * A payload whose content type is JSON (or unknown) and which parses as one JSON value is
 * inlined as {@code data}; any other payload is base64 text in {@code data} with
 * {@code "encoding":"base64"}. Ephemeral events carry {@code "durability":"ephemeral"} and no
 * position. An event sent again by an operator's replay ({@code herald replay --mode redeliver})
 * carries {@code "replayed":true} after its position: clients that keep the ids they have seen
 * drop it, and none should take its (older) position as its resume point. A channel's latest value,
 * sent first to a subscriber that asked for it ({@code "last":true}), carries {@code "retained":true}
 * after its position: it is the event as it is in the log, sent out of its live turn, and its
 * position is where the subscription goes on from.
 *
 * <p>A frame is encoded once per event and the same bytes go to every connection. Thread-safe.
 */
public final class FrameCodec {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * Most bytes of a frame besides its {@code data}: the field names, a channel name of
     * {@value ChannelName#MAX_LENGTH} characters (never escaped), an id of
     * {@value EventId#MAX_LENGTH} characters each escaped to two ({@code "} and {@code \} are
     * visible ASCII), a position, a 20-digit time and {@code "encoding":"base64"}, rounded up.
     */
    public static final int MAX_ENVELOPE_BYTES = 1_024;

    private FrameCodec() {
    }

    /**
     * The largest frame an event with a payload of at most {@code maxPayloadBytes} can have: its
     * envelope, and its payload inlined as JSON (as many bytes) or as base64 (4 for every 3).
     */
    public static long maxFrameBytes(long maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be >= 0, was " + maxPayloadBytes);
        }
        return MAX_ENVELOPE_BYTES + 4 * ((maxPayloadBytes + 2) / 3);
    }

    /**
     * The event frame, UTF-8 JSON.
     *
     * @param event    the event
     * @param position its encoded position, or {@code null} for an ephemeral event
     */
    public static byte[] eventFrame(Event event, String position) {
        return eventFrame(event, position, false);
    }

    /**
     * The event frame, UTF-8 JSON, marked {@code "replayed":true} when {@code replayed}: a durable
     * event delivered again by an operator's replay, not in its place in the live stream.
     *
     * @param event    the event
     * @param position its encoded position, or {@code null} for an ephemeral event
     * @param replayed whether to mark the frame as replayed
     */
    public static byte[] eventFrame(Event event, String position, boolean replayed) {
        return eventFrame(event, position, replayed, false);
    }

    /**
     * The event frame of a channel's latest value, marked {@code "retained":true}: what an edge
     * sends first to a subscriber that asked for the channel's latest value, and answers
     * {@code GET /v1/channels/{channel}/latest} with.
     *
     * @param event    the retained event
     * @param position its encoded position in the log (never {@code null}: a retained event is durable)
     */
    public static byte[] retainedFrame(Event event, String position) {
        if (position == null) {
            throw new IllegalArgumentException("a retained event is durable and has a position; it was null for " + event.channel());
        }
        return eventFrame(event, position, false, true);
    }

    private static byte[] eventFrame(Event event, String position, boolean replayed, boolean retained) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(event.payload().length + 160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", "event");
            g.writeStringField("channel", event.channel());
            g.writeStringField("id", event.id());
            if (position != null) {
                g.writeStringField("position", position);
            } else {
                g.writeStringField("durability", "ephemeral");
            }
            if (replayed) {
                g.writeBooleanField("replayed", true);
            }
            if (retained) {
                g.writeBooleanField("retained", true);
            }
            g.writeNumberField("ts", event.time().toEpochMilli());
            if (isInlineJson(event.contentType(), event.payload())) {
                g.writeFieldName("data");
                // The payload's own bytes, copied once (they are well-formed UTF-8, see
                // isSingleJsonValue): no String of them for the generator to encode again. The
                // empty raw value writes the ':' and tells the generator that "data" has its value.
                g.writeRawValue("");
                g.flush();
                out.write(event.payload());
            } else {
                g.writeStringField("encoding", "base64");
                g.writeFieldName("data");
                g.writeBinary(event.payload());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding an event frame in memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Whether a payload goes into a frame as JSON: its content type is absent or names JSON, and
     * its bytes are exactly one well-formed JSON value.
     */
    public static boolean isInlineJson(String contentType, byte[] payload) {
        if (contentType != null && !containsJson(contentType)) {
            return false;
        }
        return isSingleJsonValue(payload);
    }

    /** Whether {@code contentType} contains "json" in any case, without a lower-cased copy of it. */
    private static boolean containsJson(String contentType) {
        for (int i = 0; i + 4 <= contentType.length(); i++) {
            if (contentType.regionMatches(true, i, "json", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code bytes} hold exactly one well-formed JSON value (surrounding white space
     * allowed), in well-formed UTF-8.
     *
     * <p>One pass over the bytes comes first. It refuses a control character other than tab, line
     * feed and carriage return: RFC 8259 allows none anywhere in JSON text (inside strings they
     * must be escaped), but Jackson's parser takes a NUL byte next to a top-level value for the
     * end of the input, so {@code "8\0"} would pass and put a raw NUL into the frame. It refuses
     * malformed UTF-8 too ({@link #isWellFormedUtf8}), which RFC 8259 also excludes and which
     * Jackson's parser checks only partly (it takes an overlong form for a character); so an
     * inlined payload is copied into its frame byte for byte and reads back exactly as published,
     * and anything else goes as base64, also exactly. A leading byte order mark is refused as
     * well: Jackson skips it, but inside a frame it would stand before {@code data}'s value, where
     * JSON allows none. Then Jackson walks the tokens; it checks each string's escapes as it skips
     * over it, without decoding it into a {@code String}.
     */
    public static boolean isSingleJsonValue(byte[] bytes) {
        if (bytes.length == 0 || startsWithByteOrderMark(bytes) || !isControlFree(bytes) || !isWellFormedUtf8(bytes)) {
            return false;
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            int depth = 0;
            JsonToken token = p.nextToken();
            if (token == null) {
                return false;
            }
            do {
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
                if (depth == 0) {
                    return p.nextToken() == null;
                }
                token = p.nextToken();
            } while (token != null);
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean startsWithByteOrderMark(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
    }

    /** Whether {@code bytes} hold no control character but tab, line feed and carriage return. */
    private static boolean isControlFree(byte[] bytes) {
        for (byte b : bytes) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code bytes} are well-formed UTF-8 (RFC 3629): no stray continuation byte, no
     * truncated sequence, no overlong form, no surrogate, nothing past U+10FFFF. These are exactly
     * the byte strings that decoding into a {@code String} and encoding again leave as they are.
     */
    static boolean isWellFormedUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int lead = bytes[i];
            if (lead >= 0) {
                i++;
                continue;
            }
            lead &= 0xFF;
            int more;
            int min;
            if (lead >= 0xC2 && lead <= 0xDF) {
                more = 1;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                more = 2;
                min = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                more = 3;
                min = 0x10000;
            } else {
                return false; // a continuation byte, or a lead byte of no sequence RFC 3629 allows
            }
            if (i + more >= n) {
                return false;
            }
            int cp = lead & (0x3F >> more);
            for (int k = 1; k <= more; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += more + 1;
        }
        return true;
    }

}
