package dev.herald.edge.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The server's side of WebSocket framing (RFC 6455): whole frames, close payloads, the handshake's accept key. */
final class WsFrames {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * Shared frames, one per thread: the frame of the payload this thread encoded last. A live
     * event reaches an I/O thread as one task for all of that thread's connections, each of which
     * asks for its frame in turn with the same payload array (never modified: see
     * {@code EventSink}); all but the first get the frame already made.
     */
    private static final ThreadLocal<SharedText> SHARED = ThreadLocal.withInitial(SharedText::new);

    private WsFrames() {
    }

    /** The last payload a thread encoded with {@link #sharedText}, and its frame. */
    private static final class SharedText {
        byte[] payload;
        ByteBuffer frame;
    }

    /**
     * The whole, unmasked server frame of {@code opcode} carrying {@code payload}, header and
     * payload in one heap buffer positioned at its start.
     */
    static ByteBuffer frame(int opcode, byte[] payload) {
        int length = payload.length;
        ByteBuffer frame = ByteBuffer.allocate((length < 126 ? 2 : length < 65_536 ? 4 : 10) + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) length);
        } else if (length < 65_536) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).flip();
    }

    /**
     * The text frame of a payload that goes to many connections, made once per thread and shared.
     * A live event reaches each I/O thread as one task for all of that thread's connections, so it
     * is encoded once per I/O thread; a resume worker sending a cursor's buffered events encodes
     * them for that one connection. Callers must not move the buffer; each connection writes from
     * its own {@link ByteBuffer#duplicate}.
     *
     * <p>A heap buffer, not a direct one: the socket write copies it into the JDK's per-thread
     * cache of direct buffers, a copy of a few hundred bytes, whereas a direct buffer per event
     * would hold native memory that only the collection of its small heap object frees. One kept
     * past a young collection (in a slow reader's queue) waits for an old-generation collection,
     * which heap occupancy drives, not native memory: a busy edge could pile up native memory to
     * its limit and force full collections.
     */
    static ByteBuffer sharedText(byte[] payload) {
        SharedText last = SHARED.get();
        if (last.payload != payload) {
            last.frame = frame(WsFrameParser.TEXT, payload);
            last.payload = payload;
        }
        return last.frame;
    }

    /** The payload of a close frame: the code, then the reason cut to fit the 125 bytes of a control frame. */
    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        // never cut a UTF-8 sequence in two
        while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
            length--;
        }
        ByteBuffer p = ByteBuffer.allocate(2 + length);
        p.putShort((short) code).put(text, 0, length);
        return p.array();
    }

    /** {@code Sec-WebSocket-Accept} for a client's {@code Sec-WebSocket-Key}. */
    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
