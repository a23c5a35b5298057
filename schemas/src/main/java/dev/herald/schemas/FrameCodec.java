package dev.herald.schemas;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

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
    /** Jackson's writer uses this alphabet for binary (its default variant): standard base64, padded, no line breaks. */
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    // The frame's fixed parts, in the order of its fields. The strings between them (channel, id,
    // position) are copied or escaped as quoted(String) says.
    private static final byte[] OPEN = ascii("{\"op\":\"event\",\"channel\":\"");
    private static final byte[] ID = ascii("\",\"id\":\"");
    private static final byte[] POSITION = ascii("\",\"position\":\"");
    private static final byte[] EPHEMERAL = ascii("\",\"durability\":\"ephemeral\"");
    private static final byte[] CLOSE_STRING = ascii("\"");
    private static final byte[] REPLAYED = ascii(",\"replayed\":true");
    private static final byte[] RETAINED = ascii(",\"retained\":true");
    private static final byte[] TS = ascii(",\"ts\":");
    private static final byte[] DATA = ascii(",\"data\":");
    private static final byte[] BASE64_DATA = ascii(",\"encoding\":\"base64\",\"data\":\"");
    private static final byte[] END = ascii("}");
    /** Eight bytes of an array read as one {@code long}, for {@link #scanUtf8}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;

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
        FrameParts out = new FrameParts();
        out.add(OPEN).add(quoted(event.channel())).add(ID).add(quoted(event.id()));
        if (position != null) {
            out.add(POSITION).add(quoted(position)).add(CLOSE_STRING);
        } else {
            out.add(EPHEMERAL);
        }
        if (replayed) {
            out.add(REPLAYED);
        }
        if (retained) {
            out.add(RETAINED);
        }
        out.add(TS).add(Long.toString(event.time().toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
        if (isInlineJson(event.contentType(), event.payload())) {
            out.add(DATA).add(event.payload()); // its own bytes: well-formed UTF-8 JSON, see isSingleJsonValue
        } else {
            out.add(BASE64_DATA).add(BASE64.encode(event.payload())).add(CLOSE_STRING);
        }
        return out.add(END).join();
    }

    /** A frame's parts in order, joined into one array of their total size. */
    private static final class FrameParts {
        /** The most parts a frame has: the fixed ones and the strings between them, with position and base64 data. */
        private static final int MAX_PARTS = 15;
        private final byte[][] parts = new byte[MAX_PARTS][];
        private int count;
        private int size;

        FrameParts add(byte[] part) {
            parts[count++] = part;
            size += part.length;
            return this;
        }

        byte[] join() {
            byte[] frame = new byte[size];
            int at = 0;
            for (int i = 0; i < count; i++) {
                System.arraycopy(parts[i], 0, frame, at, parts[i].length);
                at += parts[i].length;
            }
            return frame;
        }
    }

    /**
     * {@code text}'s UTF-8 as it goes between a JSON string's quotes. A channel name and a
     * position are printable ASCII by their rules ({@link ChannelName}, {@link PositionCodec}),
     * and so are most ids, with nothing to escape: they are copied as they are. Any other string
     * is escaped by Jackson's {@link JsonStringEncoder}: the same bytes as Jackson's generator
     * writes for characters of the Basic Multilingual Plane (an id is visible ASCII by
     * {@link EventId}'s rules; outside the plane the generator escapes a surrogate pair where the
     * encoder writes its four UTF-8 bytes, both valid JSON).
     */
    private static byte[] quoted(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return JsonStringEncoder.getInstance().quoteAsUTF8(text);
            }
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
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

    /**
     * Whether {@code contentType} contains "json" in any case, without a lower-cased copy of it.
     * A case-blind comparison is tried only where a {@code j} or {@code J} stands: most types
     * have one or none.
     */
    private static boolean containsJson(String contentType) {
        for (int i = 0; i + 4 <= contentType.length(); i++) {
            if ((contentType.charAt(i) | 0x20) == 'j' && contentType.regionMatches(true, i, "json", 0, 4)) {
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
        if (bytes.length == 0 || startsWithByteOrderMark(bytes) || !isControlFreeUtf8(bytes)) {
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

    /**
     * Whether {@code bytes} are well-formed UTF-8 ({@link #isWellFormedUtf8}) holding no control
     * character but tab, line feed and carriage return.
     */
    private static boolean isControlFreeUtf8(byte[] bytes) {
        return scanUtf8(bytes, true);
    }

    /**
     * Whether {@code bytes} are well-formed UTF-8 (RFC 3629): no stray continuation byte, no
     * truncated sequence, no overlong form, no surrogate, nothing past U+10FFFF. These are exactly
     * the byte strings that decoding into a {@code String} and encoding again leave as they are.
     */
    static boolean isWellFormedUtf8(byte[] bytes) {
        return scanUtf8(bytes, false);
    }

    /**
     * One pass over {@code bytes}: well-formed UTF-8, and with {@code noControls} no control
     * character but tab, line feed and carriage return. A payload is mostly ASCII text, so the
     * pass takes eight bytes at a time while they are all printable ASCII (no high bit set, none
     * below a space: subtracting a space from each byte borrows from a high bit only if some byte
     * was below it), and looks at single bytes only around the others.
     */
    private static boolean scanUtf8(byte[] bytes, boolean noControls) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            if (i + Long.BYTES <= n) {
                long word = (long) LONGS.get(bytes, i);
                if ((word & HIGH_BITS) == 0 && ((word - SPACES) & HIGH_BITS) == 0) {
                    i += Long.BYTES;
                    continue;
                }
            }
            int lead = bytes[i];
            if (lead >= 0) {
                if (noControls && lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') {
                    return false;
                }
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
