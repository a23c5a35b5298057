package dev.herald.edge.internal;

import dev.herald.schemas.protocol.CloseCode;

/**
 * A connection as the subscription machinery sees it: where a channel's frames go. Calls for
 * one channel come in offset order; a subscriber that cannot keep up closes itself
 * ({@link CloseCode#SLOW_CONSUMER} on a WebSocket).
 */
interface Subscriber {

    /**
     * The task lane of the I/O thread that serves this subscriber's connection: live events are
     * handed to it there ({@link SubscriptionIndex}), so the calls below for live events run on
     * that thread.
     */
    IoThreadTasks.Lane lane();

    /**
     * The {@code subscribed} frame of {@code channel}; the channel's events that follow are those
     * after {@code offset} (-1: from the start of its partition).
     */
    void subscribed(String channel, long offset, byte[] frame);

    /** The event at {@code offset} of {@code channel}, as its shared, encoded frame. */
    void event(String channel, long offset, byte[] frame);

    /**
     * An event of a channel subscribed with {@code "mode":"latest"}, live or replayed, in offset
     * order: queued without waiting, replacing the channel's event still waiting in the
     * connection's queue if there is one, and never closing the connection as too slow (see
     * {@link OutboundQueue#offerLatest}). Callable from any thread. By default it is an
     * {@link #event}.
     */
    default void conflated(String channel, long offset, byte[] frame) {
        event(channel, offset, frame);
    }

    /**
     * An ephemeral event of {@code channel}: best effort, with no position, outside the offset
     * order (it is never replayed and never moves the subscriber's position).
     */
    void ephemeral(String channel, byte[] frame);

    /**
     * An event sent again by an operator's replay ({@code "replayed":true} in its frame), outside
     * the offset order: it neither moves the subscriber's position nor is dropped for being at or
     * below it (a WebSocket sends the frame; an SSE stream sends it without an {@code id:}, so the
     * stream's cursor stays). It is queued like a live event: a queue it overflows closes the
     * connection as too slow.
     */
    void redelivered(String channel, long offset, byte[] frame);

    /**
     * A missed event of a resume, like {@link #event}, but the caller (a resume worker) waits while
     * the connection's queue is full, so that a replay longer than the queue goes at the client's
     * pace instead of overflowing it.
     *
     * @return {@code false} if the connection is closed, or was closed as too slow because no room
     *         came within {@value #REPLAY_STALL_MS} ms; the replay should stop
     */
    boolean replayed(String channel, long offset, byte[] frame);

    /**
     * The edge cannot go on with this connection without a gap (a replay that failed part-way, a
     * delivery that threw, the log reset under the partition): close it so that the client
     * reconnects and resumes from its last position, which tells it what it can no longer get
     * ({@link CloseCode#INTERNAL_ERROR} on a WebSocket; an SSE stream ends). Idempotent; callable
     * from any thread.
     */
    void reconnect(String reason);

    /** How long a replay waits for room in a connection's queue before the client counts as too slow. */
    long REPLAY_STALL_MS = 30_000;
}
