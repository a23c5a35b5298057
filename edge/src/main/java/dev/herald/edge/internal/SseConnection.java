package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.StreamCursor;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.schemas.protocol.ResumeReason;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One Server-Sent Events client following a fixed list of channels.
 *
 * <p>What it sends: the WebSocket frames' JSON as unnamed SSE events (a browser's
 * {@code onmessage}), told apart by their {@code op}: each channel's {@code subscribed} frame,
 * then its events, and {@code error} frames. Every {@code subscribed} and event
 * carries an {@code id:} that is where the whole stream stands after it: for one channel, that
 * channel's position (the same string as on WebSocket); for several, a {@link StreamCursor} with
 * one offset per channel. A reconnect that sends it back as {@code Last-Event-ID} resumes every
 * channel after exactly what this stream sent it.
 *
 * <p>The id of each message is computed when the message is queued, under this connection's
 * lock, so ids follow queue order and each one covers everything queued before it. Before a
 * channel's {@code subscribed} is sent, the cursor holds that channel's starting point (the
 * resume point asked for, or the log head when the stream opened), so a stream that drops that
 * early loses nothing either.
 *
 * <p>A client that cannot keep up is disconnected (SSE has no close codes); it reconnects with
 * {@code Last-Event-ID} and resumes.
 */
final class SseConnection implements Subscriptions.Owner, EdgeConnection {

    /** An offset in the resume point that stands for "from another epoch of the log". */
    static final long OTHER_EPOCH = notRecovered(ResumeReason.EPOCH_MISMATCH);

    private static final long CLOSE_GRACE_SECONDS = 5;

    /** One SSE event on its way out: {@code event:} name (null: unnamed), {@code id:} (null: none), {@code data:}. */
    record Message(String event, String id, String data) {
        int size() {
            return data.length() + (id == null ? 0 : id.length()) + 16;
        }
    }

    private final ServerSentEventConnection connection;
    private final XnioIoThread ioThread;
    /** Where writes for this connection are handed to its I/O thread. */
    private final IoThreadTasks.Lane ioTasks;
    private final EdgeContext edge;
    private final List<String> channels;
    private final long[] since;
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final int[] partitions;
    private final long[] offsets;
    private final Epoch epoch;
    /** The stream's cursor as it started; a stream of several channels derives each id from it. */
    private final StreamCursor start;
    private final OutboundQueue<Message> queue;
    private final Subscriptions subscriptions;
    /** What the stream's subscribes ask besides their channels: {@code ?last=true}, {@code ?mode=latest}. */
    private final Subscriptions.Want want;
    private volatile boolean closed;
    /** The stream is ending ({@link #end}, {@link #tooSlow}, {@link #goAway}): no more subscribes. */
    private volatile boolean ending;
    /** {@link #end} ran; once. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Closed as too slow; counted once. */
    private final AtomicBoolean slow = new AtomicBoolean();

    /**
     * The offset in a resume point that stands for "cannot be resumed, for {@code reason}": the
     * channel subscribes live with {@code recovered:false} and that reason. Every such offset is
     * below -1, the lowest real one ("before the first record").
     */
    static long notRecovered(ResumeReason reason) {
        return Long.MIN_VALUE + reason.ordinal();
    }

    /** The reason an offset of a resume point stands for (see {@link #notRecovered}), or {@code null} for a real offset. */
    private static ResumeReason notRecoveredReason(long offset) {
        return offset < -1 ? ResumeReason.values()[(int) (offset - Long.MIN_VALUE)] : null;
    }

    /**
     * @param since the offset after which to resume each channel, an offset of {@link #notRecovered}
     *              for a channel that cannot be resumed ({@link #OTHER_EPOCH} for a resume point from
     *              another epoch), or {@code null} for live from now
     * @param want  what every channel's subscribe asks besides (the latest value first, which a resume point wins over; conflation)
     */
    SseConnection(ServerSentEventConnection connection, XnioIoThread ioThread, EdgeContext edge, List<String> channels, long[] since,
                  Subscriptions.Want want) {
        this.want = want;
        this.connection = connection;
        this.ioThread = ioThread;
        this.ioTasks = edge.ioTasks().lane(this.ioThread);
        this.edge = edge;
        this.channels = List.copyOf(channels);
        this.since = since;
        FanoutConsumer consumer = edge.consumer();
        this.epoch = consumer.epoch();
        this.partitions = new int[channels.size()];
        this.offsets = new long[channels.size()];
        for (int i = 0; i < channels.size(); i++) {
            indexOf.put(channels.get(i), i);
            partitions[i] = consumer.partitionOf(channels.get(i));
            boolean fromHead = since == null || notRecoveredReason(since[i]) != null;
            offsets[i] = fromHead ? Math.max(-1, consumer.nextOffset(partitions[i]) - 1) : since[i];
        }
        this.start = channels.size() == 1 ? null : StreamCursor.of(epoch, this.channels, offsets);
        this.queue = new OutboundQueue<>(edge.maxQueuedEvents(), edge.maxQueuedBytes(), Message::size, new OutboundQueue.Transport<>() {
            @Override
            public void execute(Runnable task) {
                ioTasks.execute(task);
            }

            @Override
            public void write(Message m, int length, IntConsumer written) {
                SseConnection.this.write(m, () -> written.accept(length));
            }
        });
        this.subscriptions = new Subscriptions(edge, this);
    }

    /**
     * Registers the connection and subscribes its channels.
     *
     * @param untilExpiry when the stream's token expires, or {@code null} for never: the stream
     *                    ends then, and its client reconnects with a new token and its
     *                    {@code Last-Event-ID}
     */
    void start(Duration untilExpiry) {
        edge.metrics().opened(this);
        connection.addCloseTask(c -> closed());
        if (untilExpiry != null) {
            XnioExecutor.Key expiry = ioThread.executeAfter(this::end, Math.max(0, untilExpiry.toMillis()), TimeUnit.MILLISECONDS);
            connection.addCloseTask(c -> expiry.remove());
        }
        for (int i = 0; i < channels.size() && !ending; i++) {
            String channel = channels.get(i);
            if (since == null) {
                subscriptions.subscribe(null, channel, null, want);
            } else if (notRecoveredReason(since[i]) != null) {
                subscriptions.subscribeNotRecovered(null, channel, notRecoveredReason(since[i]), want);
            } else {
                subscriptions.subscribe(null, channel, new Position(epoch, partitions[i], since[i]), want);
            }
        }
    }

    @Override
    public String protocol() {
        return "sse";
    }

    @Override
    public long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public IoThreadTasks.Lane lane() {
        return ioTasks;
    }

    /*
     * Lock order: a cursor's lock, then this connection's (cursors call in here holding theirs).
     * So nothing that takes a cursor's lock (tooSlow, which discards the cursors) may run while
     * this connection's lock is held: an offer's outcome is acted on after leaving it.
     */

    @Override
    public void subscribed(String channel, long offset, byte[] frame) {
        OutboundQueue.Offer offer;
        synchronized (this) {
            offsets[indexOf.get(channel)] = offset;
            offer = queue.offer(new Message(null, cursor(), new String(frame, StandardCharsets.UTF_8)));
        }
        queued(offer);
    }

    @Override
    public void event(String channel, long offset, byte[] frame) {
        OutboundQueue.Offer offer;
        synchronized (this) {
            offsets[indexOf.get(channel)] = offset;
            offer = queue.offer(new Message(null, cursor(), new String(frame, StandardCharsets.UTF_8)));
        }
        if (queued(offer)) {
            edge.metrics().delivered(frame.length);
        }
    }

    /** An event of a stream opened with {@code ?mode=latest}: it may replace the channel's older event still waiting (see {@link WsConnection#conflated}). */
    @Override
    public void conflated(String channel, long offset, byte[] frame) {
        OutboundQueue.Offer offer;
        synchronized (this) {
            offsets[indexOf.get(channel)] = offset;
            offer = queue.offerLatest(channel, new Message(null, cursor(), new String(frame, StandardCharsets.UTF_8)));
        }
        if (offer == OutboundQueue.Offer.QUEUED) {
            edge.metrics().delivered(frame.length);
        } else if (offer == OutboundQueue.Offer.CONFLATED) {
            edge.metrics().conflated(); // the message it replaces was counted as delivered and is never sent
        }
    }

    /** Sent without an {@code id:}: a replayed event is older than the stream's cursor, which it must not move back. */
    @Override
    public void redelivered(String channel, long offset, byte[] frame) {
        if (send(new Message(null, null, new String(frame, StandardCharsets.UTF_8)))) {
            edge.metrics().delivered(frame.length);
        }
    }

    /** Sent without an {@code id:}: an ephemeral event has no position, so it must not move the stream's cursor. */
    @Override
    public void ephemeral(String channel, byte[] frame) {
        edge.metrics().ephemeral(queue.offerSpare(new Message(null, null, new String(frame, StandardCharsets.UTF_8))));
    }

    @Override
    public boolean replayed(String channel, long offset, byte[] frame) {
        if (!queue.awaitRoom(frame.length, REPLAY_STALL_MS)) {
            return false;
        }
        event(channel, offset, frame);
        return !closed && !slow.get();
    }

    @Override
    public void error(Object ref, ErrorCode code, String message) {
        send(new Message(null, null, new String(Frames.error(ref, code, message), StandardCharsets.UTF_8)));
    }

    @Override
    public void tooSlow() {
        if (closed || !slow.compareAndSet(false, true)) {
            return;
        }
        ending = true;
        edge.metrics().slowConsumerClosed();
        subscriptions.clear(); // first: a replay must end as cancelled, not find the queue closed and call this too slow
        queue.close();
        ioThread.execute(() -> IoUtils.safeClose(connection));
    }

    /** Sends the error, then ends the stream: the client reconnects with its {@code Last-Event-ID}, which retries the resume. */
    @Override
    public void resumeRefused(Object ref, String channel, String message) {
        error(ref, ErrorCode.RESUME_BUSY, message + " (" + channel + "); this stream ends, reconnect with its Last-Event-ID");
        end();
    }

    @Override
    public void reconnect(String reason) {
        if (!closed) {
            end();
        }
    }

    /**
     * Ends the stream after what is queued now (on the I/O thread's lane the queue's drain runs
     * first), or after a grace period: the client reconnects and resumes.
     */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        ending = true;
        subscriptions.clear();
        ioTasks.execute(() -> {
            queue.close();
            connection.shutdown();
        });
        ioThread.executeAfter(() -> IoUtils.safeClose(connection), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void goAway() {
        ending = true;
        subscriptions.clear();
        queue.close();
        ioThread.execute(connection::shutdown);
        ioThread.executeAfter(() -> IoUtils.safeClose(connection), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Where the stream stands now; call with this connection's lock held. */
    private String cursor() {
        if (channels.size() == 1) {
            return PositionCodec.encode(new Position(epoch, partitions[0], offsets[0]));
        }
        return start.withOffsets(offsets).encode();
    }

    private boolean send(Message message) {
        return queued(queue.offer(message));
    }

    /** Acts on an offer's outcome (never with this connection's lock held): whether the message was queued. */
    private boolean queued(OutboundQueue.Offer offer) {
        switch (offer) {
            case QUEUED:
                return true;
            case FULL:
                tooSlow();
                return false;
            default:
                return false;
        }
    }

    private void write(Message m, Runnable written) {
        connection.send(m.data(), m.event(), m.id(), new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection c, String data, String event, String id) {
                written.run();
            }

            @Override
            public void failed(ServerSentEventConnection c, String data, String event, String id, IOException e) {
                queue.close();
                written.run();
            }
        });
    }

    private void closed() {
        closed = true;
        subscriptions.clear();
        queue.close();
        edge.metrics().closed(this);
    }
}
