package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.herald.fanout.StoredFrame;

/**
 * One subscriber's place in one channel: the offset of the last event it was sent.
 *
 * <pre>
 * The switch from replay to live, without gap or repeat:
 *  1. the cursor is registered in the index while REPLAYING: live events are buffered;
 *  2. missed events are read (history or Kafka) after the cursor was registered, so every event
 *     handed to the index before registration is in what is read, and every one after is buffered;
 *  3. startReplay sends the subscribed frame; replay sends the missed events page by page, each
 *     only if its offset is above the last one sent; goLive sends the buffer the same way and
 *     turns LIVE.
 * Live events then go out only if their offset is above the last one sent, so an event that is
 * both replayed and buffered (or consumed twice after an edge restart) goes out once.
 * </pre>
 *
 * The buffer of live events during a replay is bounded by count and by bytes (a connection's
 * queue bounds); live events past either bound are dropped and the replay ends as too slow
 * ({@link Progress#TOO_SLOW}): the cursor never turns live then, so nothing after the dropped
 * events reaches the client, which is closed and resumes from what it got. A cursor discarded
 * during its replay (unsubscribed, or its connection closed) ends it as
 * {@link Progress#CANCELLED}: no further replayed frame is sent, and the connection lives on.
 *
 * <p>A conflating cursor (a subscribe with {@code "mode":"latest"}) hands every event, replayed or
 * live, to {@link Subscriber#conflated}, which never blocks and never closes the connection as too
 * slow: a newer event replaces an older one still waiting in the connection's queue. Its replay
 * buffer, when full, keeps only the newest live event (the older ones are conflated away), so it
 * never ends a replay as too slow either. Its position is still the newest event it handed on.
 *
 * <p>Thread-safe: the connection's I/O thread calls {@link #onLive}, a resume worker
 * {@link #startReplay}, {@link #replay} and {@link #goLive}, in that order. Until the cursor is
 * live, {@link #onLive} only buffers, so the replay may send without the lock.
 */
final class ChannelCursor {

    /** Where a replay stands after a step. */
    enum Progress {
        /** Going on (or, from {@link #goLive}, live now). */
        GOING,
        /** The client did not keep up: close the connection as too slow. */
        TOO_SLOW,
        /** The cursor was discarded: stop quietly. */
        CANCELLED
    }

    private final String channel;
    private final int partition;
    private final Subscriber subscriber;
    private final int maxBufferedEvents;
    private final long maxBufferedBytes;
    /** Bytes buffered by every cursor of the edge, for its metrics. */
    private final LongAdder allBuffered;
    /** Whether events are conflated ({@code "mode":"latest"}). */
    private final boolean conflate;
    private List<StoredFrame> buffered = new ArrayList<>();
    private long bufferedBytes;
    private long lastOffset;
    /** The last offset the replay sent; the resume worker's own until {@link #goLive}. */
    private long replayedTo;
    private boolean live;
    private boolean overflowed;
    /** Set by {@link #discard}; read by the replaying worker between frames. */
    private volatile boolean cancelled;

    ChannelCursor(String channel, int partition, Subscriber subscriber, int maxBufferedEvents, long maxBufferedBytes,
                  LongAdder allBuffered) {
        this(channel, partition, subscriber, maxBufferedEvents, maxBufferedBytes, allBuffered, false);
    }

    /**
     * @param conflate whether the subscriber asked for the newest value only ({@code "mode":"latest"}):
     *                 events go to {@link Subscriber#conflated}
     */
    ChannelCursor(String channel, int partition, Subscriber subscriber, int maxBufferedEvents, long maxBufferedBytes,
                  LongAdder allBuffered, boolean conflate) {
        this.conflate = conflate;
        this.allBuffered = allBuffered;
        this.channel = channel;
        this.partition = partition;
        this.subscriber = subscriber;
        this.maxBufferedEvents = maxBufferedEvents;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    String channel() {
        return channel;
    }

    int partition() {
        return partition;
    }

    /** The lane of the I/O thread where this cursor's live events are handed. */
    IoThreadTasks.Lane lane() {
        return subscriber.lane();
    }

    /** Whether the cursor was discarded (unsubscribed, or its connection closed). */
    boolean cancelled() {
        return cancelled;
    }

    /**
     * Delivering to this cursor threw: its subscriber may have missed the event, so its
     * connection is closed for the client to resume ({@link Subscriber#reconnect}).
     */
    void failed() {
        subscriber.reconnect("delivery failed: reconnect and resume from your last position");
    }

    /** Events of this cursor's partition were skipped (the log no longer has them): its client must resume to learn so. */
    void positionLost() {
        subscriber.reconnect("events of this channel are gone from the log: reconnect and resume to learn what you missed");
    }

    /**
     * Drops the buffer of a cursor that will never go live (its connection closed, or it was
     * unsubscribed) and ends its replay after the frame being sent, if one runs.
     */
    synchronized void discard() {
        cancelled = true;
        buffered = List.of();
        allBuffered.add(-bufferedBytes);
        bufferedBytes = 0;
    }

    /** A live event of this cursor's channel, in offset order. */
    synchronized void onLive(long offset, byte[] frame) {
        if (cancelled) {
            return; // unsubscribed while this event was on its way
        }
        if (!live) {
            if (overflowed) {
                return;
            }
            if (conflate && (buffered.size() >= maxBufferedEvents || bufferedBytes + frame.length > maxBufferedBytes)) {
                buffered.clear(); // all older than this one: conflated away
                allBuffered.add(-bufferedBytes);
                bufferedBytes = 0;
            }
            if (buffered.size() >= maxBufferedEvents || bufferedBytes + frame.length > maxBufferedBytes) {
                overflowed = true;
                buffered.clear();
                allBuffered.add(-bufferedBytes);
                bufferedBytes = 0;
            } else {
                buffered.add(new StoredFrame(partition, offset, frame));
                bufferedBytes += frame.length;
                allBuffered.add(frame.length);
            }
            return;
        }
        if (offset > lastOffset) {
            lastOffset = offset;
            send(offset, frame);
        }
    }

    /** Hands a live event on: conflated or not, as the subscriber asked. */
    private void send(long offset, byte[] frame) {
        if (conflate) {
            subscriber.conflated(channel, offset, frame);
        } else {
            subscriber.event(channel, offset, frame);
        }
    }

    /**
     * An event an operator's replay sends again ({@code "replayed":true}): sent only once the
     * cursor is live, whatever its offset, and without moving the cursor; a cursor still replaying
     * a resume skips it (it is not part of what the resume owes).
     *
     * @return whether it was handed to the subscriber
     */
    synchronized boolean onRedelivered(long offset, byte[] frame) {
        if (cancelled || !live) {
            return false;
        }
        subscriber.redelivered(channel, offset, frame);
        return true;
    }

    /**
     * An ephemeral event of this cursor's channel: sent only once the cursor is live (after its
     * {@code subscribed} frame); during a replay it is dropped, as best effort allows.
     */
    synchronized void onEphemeral(byte[] frame) {
        if (live) {
            subscriber.ephemeral(channel, frame);
        }
    }

    /** Starts the replay: sends {@code subscribed}; the events that follow are those after {@code afterOffset}. */
    void startReplay(byte[] subscribed, long afterOffset) {
        synchronized (this) {
            if (cancelled) {
                return; // unsubscribed meanwhile: no subscribed frame for a channel the client left
            }
            lastOffset = afterOffset;
            subscriber.subscribed(channel, afterOffset, subscribed);
        }
        replayedTo = afterOffset;
    }

    /**
     * Sends one page of missed events, those above the last one sent, at the pace the
     * connection's queue takes them (see {@link Subscriber#replayed}), without holding the lock.
     *
     * @return {@link Progress#TOO_SLOW} if live events overflowed the buffer meanwhile, or the
     *         client did not take the replay in time; {@link Progress#CANCELLED} if the cursor was
     *         discarded; else {@link Progress#GOING}
     */
    Progress replay(List<StoredFrame> page) {
        for (StoredFrame f : page) {
            if (cancelled) {
                return Progress.CANCELLED;
            }
            if (f.offset() > replayedTo) {
                replayedTo = f.offset();
                if (conflate) {
                    subscriber.conflated(channel, f.offset(), f.frame());
                } else if (!subscriber.replayed(channel, f.offset(), f.frame())) {
                    return cancelled ? Progress.CANCELLED : Progress.TOO_SLOW;
                }
            }
        }
        synchronized (this) {
            return cancelled ? Progress.CANCELLED : overflowed ? Progress.TOO_SLOW : Progress.GOING;
        }
    }

    /**
     * Ends the replay: sends the buffered live events above the last one sent and turns live;
     * unless live events overflowed the buffer meanwhile ({@link Progress#TOO_SLOW}) or the
     * cursor was discarded ({@link Progress#CANCELLED}), when it sends nothing and never turns
     * live, so that no event after a dropped one can reach the client.
     */
    synchronized Progress goLive() {
        if (cancelled) {
            return Progress.CANCELLED;
        }
        if (overflowed) {
            buffered = List.of();
            return Progress.TOO_SLOW;
        }
        lastOffset = Math.max(lastOffset, replayedTo);
        for (StoredFrame f : buffered) {
            if (f.offset() > lastOffset) {
                lastOffset = f.offset();
                send(f.offset(), f.frame());
            }
        }
        buffered = List.of();
        allBuffered.add(-bufferedBytes);
        bufferedBytes = 0;
        live = true;
        return Progress.GOING;
    }

    /** {@link #startReplay}, {@link #replay} of {@code missed}, then {@link #goLive}: a replay that fits in one page. */
    Progress finishReplay(byte[] subscribed, long afterOffset, List<StoredFrame> missed) {
        startReplay(subscribed, afterOffset);
        Progress p = replay(missed);
        return p == Progress.GOING ? goLive() : p;
    }
}
