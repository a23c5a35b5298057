package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * The writing side of one WebSocket connection: whole server frames, in order, sent with
 * gathering writes of everything queued (a few header bytes, then the payload's own bytes, never
 * copied), waiting for the socket when it is full. After a close frame nothing else is sent, and
 * {@link #closeWhenFlushed} hangs up once everything queued is out.
 *
 * <p>Not thread-safe: only the connection's I/O thread uses it.
 */
final class WsOutput {

    /** Most frames handed to one gathering write. */
    private static final int WRITE_BATCH = 64;
    private static final ThreadLocal<ByteBuffer[]> GATHER = ThreadLocal.withInitial(() -> new ByteBuffer[2 * WRITE_BATCH]);

    private final StreamConnection connection;
    private final ConduitStreamSinkChannel sink;
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private boolean closeSent;
    private boolean closeWhenFlushed;

    /** A frame on its way out: its header, its payload, and who to tell once both are written. */
    private record Outgoing(ByteBuffer header, ByteBuffer payload, Runnable written) {
        boolean done() {
            return !header.hasRemaining() && !payload.hasRemaining();
        }
    }

    WsOutput(StreamConnection connection) {
        this.connection = connection;
        this.sink = connection.getSinkChannel();
        sink.getWriteSetter().set(ch -> flush());
    }

    /**
     * Queues a frame of {@code opcode} after those already going out; {@code written} (may be
     * null) runs once it is out, or at once if a close frame went first and it is dropped.
     */
    void frame(int opcode, byte[] payload, Runnable written) {
        if (closeSent) {
            if (written != null) {
                written.run();
            }
            return;
        }
        outgoing.add(new Outgoing(WsFrames.header(opcode, payload.length), ByteBuffer.wrap(payload), written));
    }

    /** Queues the close frame, unless one was queued already; it is the last frame sent. */
    void close(int code, String reason) {
        if (!closeSent) {
            frame(WsFrameParser.CLOSE, WsFrames.closePayload(code, reason), null);
            closeSent = true;
        }
    }

    /** Whether a close frame is queued or sent. */
    boolean closeSent() {
        return closeSent;
    }

    /** Closes the connection once everything queued is written (at the end of the next complete {@link #flush}). */
    void closeWhenFlushed() {
        closeWhenFlushed = true;
    }

    /** Writes what is queued; if the socket is full, resumes when it can take more. */
    void flush() {
        ByteBuffer[] gather = GATHER.get();
        try {
            while (!outgoing.isEmpty()) {
                int n = 0;
                for (Outgoing o : outgoing) {
                    if (n == gather.length) {
                        break;
                    }
                    gather[n++] = o.header();
                    gather[n++] = o.payload();
                }
                long written = sink.write(gather, 0, n);
                Arrays.fill(gather, 0, n, null);
                while (!outgoing.isEmpty() && outgoing.peekFirst().done()) {
                    Runnable done = outgoing.pollFirst().written();
                    if (done != null) {
                        done.run();
                    }
                }
                if (written == 0 && !outgoing.isEmpty()) {
                    sink.resumeWrites();
                    return;
                }
            }
            if (!sink.flush()) {
                sink.resumeWrites();
                return;
            }
            sink.suspendWrites();
            if (closeWhenFlushed) {
                IoUtils.safeClose(connection);
            }
        } catch (IOException e) {
            IoUtils.safeClose(connection);
        }
    }

    /** Forgets what is queued (the connection is closed). */
    void clear() {
        outgoing.clear();
    }
}
