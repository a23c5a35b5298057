package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.IntConsumer;

import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * The writing side of one WebSocket connection: whole server frames, in order, sent with
 * gathering writes of everything queued, waiting for the socket when it is full. A frame is one
 * buffer, header and payload together; a live event's frame is shared by every connection it
 * goes to ({@link WsFrames#sharedText}), each writing from its own view of it. After a close
 * frame nothing else is sent, and {@link #closeWhenFlushed} hangs up once everything queued is out.
 *
 * <p>Not thread-safe: only the connection's I/O thread uses it.
 */
final class WsOutput {

    /** Most frames handed to one gathering write. */
    private static final int WRITE_BATCH = 64;
    private static final ThreadLocal<ByteBuffer[]> GATHER = ThreadLocal.withInitial(() -> new ByteBuffer[WRITE_BATCH]);

    private final StreamConnection connection;
    private final ConduitStreamSinkChannel sink;
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private boolean closeSent;
    private boolean closeWhenFlushed;

    /**
     * A frame on its way out: this connection's view of its bytes, and who to tell once they are
     * written ({@code written.accept(length)}; none for control frames).
     */
    private record Outgoing(ByteBuffer bytes, int length, IntConsumer written) {
        void done() {
            if (written != null) {
                written.accept(length);
            }
        }
    }

    WsOutput(StreamConnection connection) {
        this.connection = connection;
        this.sink = connection.getSinkChannel();
        sink.getWriteSetter().set(ch -> flush());
    }

    /**
     * Queues {@code frame}, a whole frame that may be shared with other connections (it is not
     * moved: this connection writes from a view of it), after those already going out;
     * {@code written.accept(length)} runs once it is out, or at once if a close frame went first
     * and it is dropped.
     */
    void frame(ByteBuffer frame, int length, IntConsumer written) {
        if (closeSent) {
            written.accept(length);
            return;
        }
        outgoing.add(new Outgoing(frame.duplicate(), length, written));
    }

    /** Queues a control frame (ping, pong, close) of {@code opcode}, unless a close frame went first. */
    void control(int opcode, byte[] payload) {
        if (!closeSent) {
            outgoing.add(new Outgoing(WsFrames.frame(opcode, payload), 0, null));
        }
    }

    /** Queues the close frame, unless one was queued already; it is the last frame sent. */
    void close(int code, String reason) {
        if (!closeSent) {
            control(WsFrameParser.CLOSE, WsFrames.closePayload(code, reason));
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
                    gather[n++] = o.bytes();
                }
                long written = sink.write(gather, 0, n);
                Arrays.fill(gather, 0, n, null);
                while (!outgoing.isEmpty() && !outgoing.peekFirst().bytes().hasRemaining()) {
                    outgoing.pollFirst().done();
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
