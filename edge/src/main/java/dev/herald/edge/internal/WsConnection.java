package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.protocol.CloseCode;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.InvalidTokenException;
import dev.herald.server.auth.TokenProblem;
import dev.herald.server.limits.ConnectionLease;
import dev.herald.server.limits.FrameLimiter;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One WebSocket client on an upgraded connection (see {@link WsUpgradeHandler}): reads its JSON
 * frames ({@code subscribe}, {@code unsubscribe}, {@code publish}) with a {@link WsFrameParser},
 * keeps its cursors, and writes through its bounded {@link OutboundQueue}. A bad frame gets an
 * {@code error} frame and the connection lives on; a client that cannot keep up is closed with
 * {@link CloseCode#SLOW_CONSUMER} and resumes from its last position; one that breaks the protocol
 * is closed with {@link CloseCode#PROTOCOL_ERROR} (or {@link CloseCode#INVALID_PAYLOAD} for text
 * that is not UTF-8).
 *
 * <p>Why its own framing rather than a WebSocket library: the edge writes the same small frames to
 * thousands of connections, and the cost per write is what bounds its deliveries per second. Here
 * a write is one gathering {@code write} of the frames queued so far ({@link WsOutput}), with no
 * per-frame channel, and a live event's frame is encoded once per I/O thread, not per connection;
 * an idle connection holds no read or write buffer (reads go through one buffer per I/O thread).
 *
 * <p>Tokens: a connection starts with the grants of its upgrade's {@code Authorization} header,
 * or, with tokens on and no header, with none: then its first frame must be
 * {@code {"op":"auth","token":...}} within {@code auth.timeout.ms}, or it is closed with 4001.
 * {@code {"op":"refresh","token":...}} (or a later {@code auth}) replaces the token without
 * dropping subscriptions; a channel the new token does not allow gets
 * {@code {"op":"unsubscribed","reason":"forbidden"}}. A missing, bad or expired token closes the
 * connection with 4001 (at the token's {@code exp} when it is not refreshed); a subscribe or
 * publish the token does not allow gets an error frame {@code forbidden} and the connection lives
 * on. When verifying may wait on the network (keys from a JWKS URL), it runs on a worker; the
 * connection reads nothing more meanwhile and handles the frames already read after it, in order.
 *
 * <p>Threads: everything that touches the socket runs on the connection's I/O thread; frames are
 * offered to the queue from any thread (the poll thread, resume workers).
 */
public final class WsConnection implements Subscriptions.Owner, EdgeConnection, WsFrameParser.Handler {

    /** Most frames held while a token is verified on a worker (more than one read's worth is a client not waiting). */
    private static final int MAX_HELD_FRAMES = 256;

    private static final long CLOSE_GRACE_SECONDS = 5;
    private static final int READ_BUFFER = 16 * 1024;
    /** Most reads in one turn of the I/O thread, so one busy client cannot starve the others. */
    private static final int READS_PER_TURN = 8;
    private static final ThreadLocal<ByteBuffer> READ = ThreadLocal.withInitial(() -> ByteBuffer.allocate(READ_BUFFER));

    private final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    private final XnioIoThread ioThread;
    /** Where writes for this connection are handed to its I/O thread. */
    private final IoThreadTasks.Lane ioTasks;
    private final EdgeContext edge;
    private final OutboundQueue<ByteBuffer> queue;
    private final Subscriptions subscriptions;
    private final WsFrameParser parser;
    private final WsOutput output;
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile XnioExecutor.Key pinger;
    /** Closed as too slow; counted once. */
    private final AtomicBoolean slow = new AtomicBoolean();
    /** Closed by {@link #reconnect}; once. */
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    /** What the token allows; {@code null} until one is taken. Written on the I/O thread. */
    private volatile Grants grants;
    /** Closes the connection when its token expires, or when no auth frame comes in time; I/O thread only. */
    private XnioExecutor.Key authTimer;
    /** A token is being verified on a worker: reads wait, frames already read are held; I/O thread only. */
    private boolean verifying;
    private ArrayDeque<String> held;
    /** {@link #closeWith} ran: frames still arriving are ignored. */
    private volatile boolean closing;

    /** This connection's place under its address's connection cap; released when it closes. */
    private final ConnectionLease lease;
    /** How many frames a second the client may send (I/O thread only). */
    private final FrameLimiter frames;

    /**
     * @param grants what the upgrade's token allows, or {@code null} when an auth frame must come first
     * @param lease  its place under its address's connection cap
     */
    WsConnection(StreamConnection connection, EdgeContext edge, Grants grants, ConnectionLease lease) {
        this.grants = grants;
        this.lease = lease;
        this.frames = edge.frames().newLimiter();
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.output = new WsOutput(connection);
        this.ioThread = connection.getIoThread();
        this.ioTasks = edge.ioTasks().lane(this.ioThread);
        this.edge = edge;
        this.subscriptions = new Subscriptions(edge, this);
        this.parser = new WsFrameParser((int) edge.maxFrameBytes(), this);
        this.queue = new OutboundQueue<>(edge.maxQueuedEvents(), edge.maxQueuedBytes(), ByteBuffer::remaining, new OutboundQueue.Transport<>() {
            @Override
            public void execute(Runnable task) {
                ioTasks.execute(task);
            }

            @Override
            public void write(ByteBuffer frame, int length, IntConsumer written) {
                output.frame(frame, length, written);
            }

            @Override
            public void flush() {
                output.flush();
            }
        });
        edge.metrics().opened(this);
        connection.setCloseListener(c -> closed());
        source.getReadSetter().set(ch -> read());
    }

    /** Starts reading the client's frames, and the clock of its token (or of its first frame). */
    void start() {
        ioThread.execute(() -> {
            if (grants == null) {
                Duration timeout = edge.auth().timeout();
                authTimer = ioThread.executeAfter(() -> {
                    if (grants == null && !closed) {
                        unauthorized(TokenProblem.MISSING, "no auth frame within " + timeout.toMillis() + " ms");
                    }
                }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                watchExpiry(grants);
            }
            source.resumeReads();
        });
    }

    /**
     * Pings the client every {@code pingMs} on the connection's I/O thread until it closes, and
     * drops it once nothing (no frame, no pong) was heard from it for {@code idleMs}. Liveness is
     * judged by what the client sends, not by socket traffic, since the pings themselves are
     * traffic.
     */
    void keepAlive(long pingMs, long idleMs) {
        pinger = ioThread.executeAtInterval(() -> {
            if (closed || output.closeSent()) {
                return;
            }
            if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(idleMs)) {
                edge.metrics().idleClosed();
                IoUtils.safeClose(connection);
            } else {
                output.control(WsFrameParser.PING, new byte[0]);
                output.flush();
            }
        }, pingMs, TimeUnit.MILLISECONDS);
        if (closed) {
            pinger.remove();
        }
    }

    @Override
    public String protocol() {
        return "ws";
    }

    @Override
    public long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public void goAway() {
        closeWith(CloseCode.GOING_AWAY);
    }

    @Override
    public IoThreadTasks.Lane lane() {
        return ioTasks;
    }

    @Override
    public void subscribed(String channel, long offset, byte[] frame) {
        send(WsFrames.frame(WsFrameParser.TEXT, frame));
    }

    /**
     * A live event: on the I/O thread its frame is made once for all of that thread's connections
     * ({@link WsFrames#sharedText}).
     */
    @Override
    public void event(String channel, long offset, byte[] frame) {
        if (send(WsFrames.sharedText(frame))) {
            edge.metrics().delivered(frame.length);
        }
    }

    /**
     * An event of a channel subscribed with {@code "mode":"latest"}: its frame goes to this
     * connection only, and may replace an older one still waiting. A replacement is counted as
     * conflated, not as another delivery: the frame it replaces was counted and is never sent.
     */
    @Override
    public void conflated(String channel, long offset, byte[] frame) {
        switch (queue.offerLatest(channel, WsFrames.frame(WsFrameParser.TEXT, frame))) {
            case QUEUED -> edge.metrics().delivered(frame.length);
            case CONFLATED -> edge.metrics().conflated();
            default -> {
            }
        }
    }

    @Override
    public void ephemeral(String channel, byte[] frame) {
        edge.metrics().ephemeral(queue.offerSpare(WsFrames.sharedText(frame)));
    }

    /** A replayed event: like a live one (the frame is made once per I/O thread), but its offset is not this connection's concern. */
    @Override
    public void redelivered(String channel, long offset, byte[] frame) {
        if (send(WsFrames.sharedText(frame))) {
            edge.metrics().delivered(frame.length);
        }
    }

    /** A missed event of one resume: its frame goes to this connection only. */
    @Override
    public boolean replayed(String channel, long offset, byte[] frame) {
        ByteBuffer encoded = WsFrames.frame(WsFrameParser.TEXT, frame);
        if (!queue.awaitRoom(encoded.remaining(), REPLAY_STALL_MS)) {
            return false;
        }
        if (send(encoded)) {
            edge.metrics().delivered(frame.length);
            return true;
        }
        return false;
    }

    @Override
    public void error(Object ref, ErrorCode code, String message) {
        send(WsFrames.frame(WsFrameParser.TEXT, Frames.error(ref, code, message)));
    }

    @Override
    public void tooSlow() {
        closeSlow();
    }

    @Override
    public void resumeRefused(Object ref, String channel, String message) {
        error(ref, ErrorCode.RESUME_BUSY, message);
    }

    @Override
    public void reconnect(String reason) {
        if (!closed && reconnecting.compareAndSet(false, true)) {
            closeWith(CloseCode.INTERNAL_ERROR, reason);
        }
    }

    /**
     * Queues a whole text frame (not moved: it may be shared); {@code false} if it was not queued
     * (the connection is closed, or now closing as too slow).
     */
    private boolean send(ByteBuffer frame) {
        switch (queue.offer(frame)) {
            case QUEUED:
                return true;
            case FULL:
                closeSlow();
                return false;
            default:
                return false;
        }
    }

    // ---- reading (I/O thread) ----

    private void read() {
        ByteBuffer buffer = READ.get();
        try {
            for (int turn = 0; turn < READS_PER_TURN && !closed && !verifying; turn++) {
                buffer.clear();
                int n = source.read(buffer);
                if (n < 0) {
                    IoUtils.safeClose(connection);
                    return;
                }
                if (n == 0) {
                    return;
                }
                buffer.flip();
                parser.feed(buffer);
            }
        } catch (IOException e) {
            IoUtils.safeClose(connection);
        }
    }

    @Override
    public void text(String message) {
        lastHeardNanos = System.nanoTime();
        if (closing) {
            return; // closed by the edge: what the client sent after that has no answer
        }
        if (!frameAllowed()) {
            return;
        }
        if (verifying) {
            hold(message);
            return;
        }
        ClientFrame frame;
        try {
            frame = ClientFrame.parse(message);
        } catch (ClientFrame.Invalid e) {
            if (grants == null) {
                unauthorized(TokenProblem.MISSING, "authenticate first: the first frame must be {\"op\":\"auth\",\"token\":\"...\"}");
            } else {
                error(e.ref(), ErrorCode.INVALID_FRAME, e.getMessage());
            }
            return;
        }
        Object ref = frame.ref();
        if (frame.op() == ClientFrame.Op.AUTH || frame.op() == ClientFrame.Op.REFRESH) {
            authenticate(ref, frame.text("token"));
            return;
        }
        if (grants == null) {
            unauthorized(TokenProblem.MISSING, "authenticate first: the first frame must be {\"op\":\"auth\",\"token\":\"...\"}");
            return;
        }
        switch (frame.op()) {
            case SUBSCRIBE -> subscribe(ref, frame);
            case UNSUBSCRIBE -> {
                String channel = frame.body().path("channel").asText("");
                subscriptions.unsubscribe(ref, channel);
                queue.forget(channel);
            }
            default -> publish(ref, frame);
        }
    }

    // ---- tokens (I/O thread) ----

    /** An {@code auth} or {@code refresh} frame: verifies its token here, or on a worker when that may wait. */
    private void authenticate(Object ref, String token) {
        EdgeAuth auth = edge.auth();
        if (auth.verifyWorkers() == null) {
            Grants verified;
            try {
                verified = auth.authenticator().authenticate(token);
            } catch (InvalidTokenException e) {
                refused(e);
                return;
            }
            taken(ref, verified);
            return;
        }
        verifying = true;
        source.suspendReads();
        try {
            auth.verifyWorkers().execute(() -> {
                try {
                    Grants verified = auth.authenticator().authenticate(token);
                    ioThread.execute(() -> verified(ref, verified, null));
                } catch (InvalidTokenException e) {
                    ioThread.execute(() -> verified(ref, null, e));
                }
            });
        } catch (RejectedExecutionException e) {
            verifying = false;
            reconnect("too many tokens being verified: reconnect");
        }
    }

    /** Back on the I/O thread after a worker verified a token: acts on it, then on the frames held meanwhile. */
    private void verified(Object ref, Grants verified, InvalidTokenException refusal) {
        verifying = false;
        if (closed || closing) {
            return;
        }
        if (refusal != null) {
            refused(refusal);
            return;
        }
        taken(ref, verified);
        ArrayDeque<String> waiting = held;
        held = null;
        while (waiting != null && !waiting.isEmpty() && !verifying && !closing) {
            text(waiting.poll());
        }
        if (verifying && waiting != null && !waiting.isEmpty()) {
            // a frame handled just now started another verification: the rest wait behind it, in order
            ArrayDeque<String> later = held;
            held = waiting;
            if (later != null) {
                held.addAll(later);
            }
        } else if (!verifying && !closing) {
            source.resumeReads();
        }
    }

    private void refused(InvalidTokenException e) {
        if (e.problem() == TokenProblem.KEYS_UNAVAILABLE) {
            edge.auth().metrics().refused(e.problem());
            reconnect("the token keys cannot be read now: reconnect later");
        } else {
            unauthorized(e.problem(), "token refused: " + e.getMessage());
        }
    }

    /** A verified token replaces the one before (if any); channels it no longer allows are unsubscribed. */
    private void taken(Object ref, Grants verified) {
        boolean refresh = grants != null;
        grants = verified;
        watchExpiry(verified);
        send(WsFrames.frame(WsFrameParser.TEXT, Frames.authenticated(ref, verified.subject(), verified.expiresAt())));
        if (refresh) {
            for (String channel : subscriptions.revoke(verified::maySubscribe)) {
                queue.forget(channel); // a conflated event still waiting is not sent after the revocation
                edge.auth().metrics().forbiddenSubscribe();
                send(WsFrames.frame(WsFrameParser.TEXT, Frames.unsubscribed(channel, "forbidden")));
            }
        }
    }

    /** Closes the connection with 4001 when {@code taken} expires, unless a refresh replaced it by then. */
    private void watchExpiry(Grants taken) {
        if (authTimer != null) {
            authTimer.remove();
            authTimer = null;
        }
        Duration left = edge.auth().untilExpiry(taken);
        if (left == null) {
            return;
        }
        authTimer = ioThread.executeAfter(() -> {
            if (grants == taken && !closed) {
                unauthorized(TokenProblem.EXPIRED, "token expired: reconnect with a new token and resume");
            }
        }, Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Closes with 4001 for {@code problem} (counted). */
    private void unauthorized(TokenProblem problem, String reason) {
        edge.auth().metrics().refused(problem);
        grants = null;
        closeWith(CloseCode.UNAUTHORIZED, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }

    private void hold(String message) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        if (held.size() >= MAX_HELD_FRAMES) {
            closeWith(CloseCode.RATE_LIMITED, "too many frames while the token is verified");
            return;
        }
        held.add(message);
    }

    /**
     * Whether the client's frame is within its rate: past it the frame gets a {@code rate-limited}
     * error frame (and nothing else), and a client that keeps on is closed with 4029.
     */
    private boolean frameAllowed() {
        switch (frames.tryFrame()) {
            case ALLOWED:
                return true;
            case REFUSED:
                error(null, ErrorCode.RATE_LIMITED, "too many frames: at most " + edge.frames().frames() + "; this frame was dropped");
                return false;
            default:
                closeWith(CloseCode.RATE_LIMITED);
                return false;
        }
    }

    @Override
    public void binary(byte[] message) {
        lastHeardNanos = System.nanoTime();
        if (closing || !frameAllowed()) {
            return;
        }
        error(null, ErrorCode.INVALID_FRAME, "binary frames are not supported; send JSON text frames");
    }

    @Override
    public void ping(byte[] payload) {
        lastHeardNanos = System.nanoTime();
        if (!output.closeSent()) {
            output.control(WsFrameParser.PONG, payload);
            output.flush();
        }
    }

    @Override
    public void pong(byte[] payload) {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void close(int code, String reason) {
        lastHeardNanos = System.nanoTime();
        if (!output.closeSent()) {
            // the client closes first: answer with its code (RFC 6455 5.5.1), then hang up
            subscriptions.clear();
            queue.close();
            output.close(code == WsFrameParser.NO_STATUS ? CloseCode.NORMAL.code() : code, "");
        }
        output.closeWhenFlushed();
        output.flush();
    }

    @Override
    public void tooLarge(long bytes) {
        lastHeardNanos = System.nanoTime();
        error(null, ErrorCode.FRAME_TOO_LARGE, "a message of " + bytes + " bytes is over the limit of " + edge.maxFrameBytes() + " bytes");
    }

    @Override
    public void protocolError(CloseCode closeCode, String reason) {
        subscriptions.clear();
        queue.close();
        output.close(closeCode.code(), reason);
        output.closeWhenFlushed();
        output.flush();
    }

    private void subscribe(Object ref, ClientFrame frame) {
        String name = frame.text("channel");
        if (name != null && ChannelName.violation(name) == null && !grants.maySubscribe(name)) {
            edge.auth().metrics().forbiddenSubscribe();
            error(ref, ErrorCode.FORBIDDEN, "the token does not allow subscribing to " + name);
            return;
        }
        Boolean last = flag(ref, frame, "last");
        String mode = frame.text("mode");
        if (last == null) {
            return;
        }
        if (mode != null && !mode.equals("latest") && !mode.equals("all")) {
            error(ref, ErrorCode.INVALID_FRAME, "mode must be \"all\" (every event; the default) or \"latest\" (a slow reader gets the "
                    + "newest event, older ones still waiting are dropped), was \"" + (mode.length() > 32 ? mode.substring(0, 32) + "..." : mode) + "\"");
            return;
        }
        Subscriptions.Want want = new Subscriptions.Want(last, "latest".equals(mode));
        Position since = null;
        String sinceText = frame.text("since");
        String sinceTime = frame.text("since_time");
        if (sinceText != null && sinceTime != null) {
            error(ref, ErrorCode.INVALID_POSITION, "give since (a position) or since_time (a time), not both");
            return;
        }
        try {
            if (sinceTime != null) {
                subscriptions.subscribeFrom(ref, name, SinceTime.parse("since_time", sinceTime), want);
                return;
            }
            if (sinceText != null) {
                since = PositionCodec.decode(sinceText);
            }
        } catch (InvalidInputException e) {
            error(ref, ErrorCode.INVALID_POSITION, e.getMessage());
            return;
        }
        subscriptions.subscribe(ref, name, since, want);
    }

    /** A subscribe's boolean field {@code name} ({@code false} when absent); {@code null}, after an error frame, when it is not a boolean. */
    private Boolean flag(Object ref, ClientFrame frame, String name) {
        com.fasterxml.jackson.databind.JsonNode node = frame.field(name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            error(ref, ErrorCode.INVALID_FRAME, name + " must be true or false, was " + node);
            return null;
        }
        return node.booleanValue();
    }

    /** {@code {"op":"publish","channel":"c","data":...}}: an ephemeral event to the lane; nothing answers success. */
    private void publish(Object ref, ClientFrame frame) {
        String name = frame.text("channel");
        if (name != null && ChannelName.violation(name) == null && !grants.mayPublish(name)) {
            edge.auth().metrics().forbiddenPublish();
            error(ref, ErrorCode.FORBIDDEN, "the token does not allow publishing to " + name);
            return;
        }
        EphemeralPublish.Refusal refusal = edge.ephemeral().publish(name, frame.field("data"));
        if (refusal != null) {
            error(ref, refusal.code(), refusal.message());
        }
    }

    private void closeSlow() {
        if (closed || !slow.compareAndSet(false, true)) {
            return;
        }
        edge.metrics().slowConsumerClosed();
        closeWith(CloseCode.SLOW_CONSUMER);
    }

    /** {@link #closeWith(CloseCode, String)} with the code's own reason text. */
    public void closeWith(CloseCode code) {
        closeWith(code, code.reason());
    }

    /**
     * Sends a close frame with {@code code} and {@code reason} and drops whatever is still
     * queued. A client that does not complete the close handshake within
     * {@value #CLOSE_GRACE_SECONDS} s (one that has stopped reading cannot even see the close
     * frame) has its connection dropped.
     */
    public void closeWith(CloseCode code, String reason) {
        closing = true;
        subscriptions.clear(); // first: a replay must end as cancelled, not find the queue closed and call this too slow
        queue.close();
        ioThread.execute(() -> {
            output.close(code.code(), reason);
            output.flush();
        });
        ioThread.executeAfter(() -> IoUtils.safeClose(connection), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    private void closed() {
        closed = true;
        lease.release();
        subscriptions.clear();
        queue.close();
        output.clear();
        XnioExecutor.Key key = pinger;
        if (key != null) {
            key.remove();
        }
        ioThread.execute(() -> {
            if (authTimer != null) {
                authTimer.remove();
                authTimer = null;
            }
        });
        edge.metrics().closed(this);
    }
}
