package dev.herald.edge.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.protocol.ErrorCode;
import dev.herald.schemas.protocol.ResumeReason;
import dev.herald.schemas.protocol.RetainedReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's channels, whatever its protocol (WebSocket or SSE): subscribes each with or
 * without a resume position, following the rules of {@link ChannelCursor}, and unsubscribes.
 *
 * <p>A subscribe answers, through the owner, with the channel's {@code subscribed} frame, then
 * the missed events in order, then live events; or with an error and no subscription. A resume
 * runs on a resume worker (it may read Kafka), so its answer comes later; live events of the
 * channel are buffered meanwhile. A connection has at most {@link #MAX_RESUMES_PER_CONNECTION}
 * resumes with the workers at a time, the others wait their turn in it; the workers' queue is
 * bounded, and a resume that finds it full is refused with the retryable error
 * {@link ErrorCode#RESUME_BUSY} and no subscription.
 *
 * <p>A resume that fails before its {@code subscribed} frame answers {@code recovered:false}
 * ({@link ResumeReason#HISTORY_UNAVAILABLE}); one that fails during its replay, when part of it is sent,
 * ends the connection ({@link Subscriber#reconnect}) so that the client resumes from what it got.
 * Either is logged and counted.
 *
 * <p>The channel's latest value ({@link Want#last}, {@code "last":true}): the subscribe runs on a
 * resume worker, which looks the value up in the edge's copy of {@code herald.latest}
 * ({@link LatestFollower}, waiting up to {@code latest.wait.ms} for it to catch up at start-up),
 * then answers as a resume from the retained event's position: {@code subscribed} (saying
 * {@code "retained":true}), the retained event marked {@code "retained":true}, the channel's events
 * after it that the edge has handed on (from its history, else the log), then live events. So
 * nothing falls between the retained event and the live ones and nothing comes twice; an event
 * older than the retained one is never sent (a retained event newer than what the edge has
 * handed on, when the edge lags the streams service, makes the live events up to it skipped). The
 * retained event is sent even when the events after it cannot all be read ({@code recovered:false}
 * with its reason says so). No value (none, no {@code herald.latest}, still loading, another
 * epoch) answers {@code "retained":false} with a {@link RetainedReason} and goes on live: a missing
 * latest value never fails a subscribe. A resume position ({@code since}, {@code since_time})
 * wins over {@code last}: a client that resumes already gets every event after its position.
 *
 * <p>Thread-safe.
 */
final class Subscriptions {

    /**
     * Most resumes of one connection handed to the workers at a time; the rest wait in the
     * connection, in order (at most {@code connection.max.subscriptions} of them). A client that
     * stops reading holds a worker for up to {@link Subscriber#REPLAY_STALL_MS} per resume, so it
     * must not hold them all, while one that resumes all its channels on a reconnect gets them all.
     */
    static final int MAX_RESUMES_PER_CONNECTION = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /** The connection behind the subscriptions. */
    interface Owner extends Subscriber {

        /** A subscribe or unsubscribe failed; nothing changed. */
        void error(Object ref, ErrorCode code, String message);

        /** Live events overflowed a channel's buffer during its replay: the connection must close as too slow. */
        void tooSlow();

        /**
         * A subscribe's resume was refused for now ({@link ErrorCode#RESUME_BUSY}); nothing changed. A
         * WebSocket answers an error frame; an SSE stream, which cannot subscribe again, closes so
         * that its client reconnects with its {@code Last-Event-ID}.
         */
        void resumeRefused(Object ref, String channel, String message);

    }

    /**
     * What a subscribe asks for besides its channel and resume point.
     *
     * @param last     the channel's latest value first ({@code "last":true}); ignored with a resume point
     * @param conflate a slow reader gets the newest event, not every one ({@code "mode":"latest"}; see {@link ChannelCursor})
     */
    record Want(boolean last, boolean conflate) {
        /** Every event, nothing retained: a plain subscribe. */
        static final Want PLAIN = new Want(false, false);
    }

    private final EdgeContext edge;
    private final Owner owner;
    private final Map<String, ChannelCursor> cursors = new ConcurrentHashMap<>();
    /** This connection's resumes handed to the workers and not finished; guarded by this. */
    private int runningResumes;
    /**
     * This connection's resumes waiting for one of those to finish, in subscribe order; made on
     * first need (most connections never have one waiting, and an idle connection's heap counts);
     * guarded by this.
     */
    private ArrayDeque<PendingResume> pendingResumes;

    Subscriptions(EdgeContext edge, Owner owner) {
        this.edge = edge;
        this.owner = owner;
    }

    /**
     * Subscribes {@code channel}, live from now when {@code since} is {@code null}, else after
     * {@code since}. A position from another epoch subscribes live with {@code recovered:false}
     * and {@link ResumeReason#EPOCH_MISMATCH}; one of another partition is an error.
     */
    void subscribe(Object ref, String channel, Position since) {
        subscribe(ref, channel, since, Want.PLAIN);
    }

    /** {@link #subscribe(Object, String, Position)}, with what else {@code want} asks. */
    void subscribe(Object ref, String channel, Position since, Want want) {
        if (since != null && !since.epoch().equals(edge.consumer().epoch())) {
            subscribe(ref, channel, null, null, ResumeReason.EPOCH_MISMATCH, want);
        } else {
            subscribe(ref, channel, since, null, null, want);
        }
    }

    /**
     * Subscribes {@code channel} resuming from {@code time}: its events from the first record of
     * its partition at or after that time are replayed, then live ones. The time is looked up in
     * the log on a resume worker ({@link LogTimeIndex}); a time older than the log still holds
     * answers {@code recovered:false} ({@link ResumeReason#OFFSET_OUT_OF_RANGE}), never a later start.
     */
    void subscribeFrom(Object ref, String channel, Instant time, Want want) {
        subscribe(ref, channel, null, time, null, want);
    }

    /**
     * Subscribes {@code channel} live from now, answering {@code recovered:false} with
     * {@code reason}: the client's resume point cannot be honoured (it is of another epoch of the
     * log, say, or older than the log holds).
     */
    void subscribeNotRecovered(Object ref, String channel, ResumeReason reason, Want want) {
        subscribe(ref, channel, null, null, reason, want);
    }

    /**
     * Subscribes after {@code since}, from {@code time}, live with {@code notRecovered}, or (all
     * three null) live, from the channel's latest value when {@code want} asks.
     */
    private void subscribe(Object ref, String channel, Position since, Instant time, ResumeReason notRecovered, Want want) {
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            owner.error(ref, ErrorCode.INVALID_CHANNEL, violation);
            return;
        }
        if (cursors.containsKey(channel)) {
            owner.error(ref, ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
            return;
        }
        if (cursors.size() >= edge.maxSubscriptions()) {
            owner.error(ref, ErrorCode.TOO_MANY_SUBSCRIPTIONS, "a connection may follow at most " + edge.maxSubscriptions() + " channels");
            return;
        }
        FanoutConsumer consumer = edge.consumer();
        int partition = consumer.partitionOf(channel);
        if (since != null && since.partition() != partition) {
            owner.error(ref, ErrorCode.INVALID_POSITION, "position belongs to another channel's partition");
            return;
        }
        ChannelCursor cursor = new ChannelCursor(channel, partition, owner, edge.maxQueuedEvents(), edge.maxQueuedBytes(),
                edge.metrics().replayBuffer(), want.conflate());
        cursors.put(channel, cursor);
        edge.index().add(cursor);
        long head = Math.max(-1, consumer.nextOffset(partition) - 1);
        String now = PositionCodec.encode(new Position(consumer.epoch(), partition, head));
        if (notRecovered != null) {
            edge.metrics().resumed(false);
            finish(cursor, Frames.subscribed(ref, channel, now, notRecovered), head, List.of());
        } else if (since == null && time == null && !want.last()) {
            finish(cursor, Frames.subscribed(ref, channel, now, null), head, List.of());
        } else {
            queueResume(new PendingResume(ref, cursor, since == null ? -1 : since.offset(), time, head, now,
                    since == null && time == null));
        }
    }

    /**
     * A resume waiting for its turn: what {@link #resume} needs ({@code fromLatest}: from the
     * channel's latest value; {@code time} set: from that time; else after {@code afterOffset}).
     */
    private record PendingResume(Object ref, ChannelCursor cursor, long afterOffset, Instant time, long head, String now,
                                 boolean fromLatest) {
    }

    /**
     * Starts {@code r} on a resume worker if this connection has fewer than
     * {@link #MAX_RESUMES_PER_CONNECTION} running, else queues it behind them, in order.
     */
    private void queueResume(PendingResume r) {
        boolean start;
        synchronized (this) {
            start = runningResumes < MAX_RESUMES_PER_CONNECTION;
            if (start) {
                runningResumes++;
            } else {
                if (pendingResumes == null) {
                    pendingResumes = new ArrayDeque<>(4);
                }
                pendingResumes.add(r);
            }
        }
        if (start && !submit(r)) {
            startNext();
        }
    }

    /** Hands {@code r} to the workers; {@code false} if their queue is full (then it is refused, see {@link #refuse}). */
    private boolean submit(PendingResume r) {
        try {
            edge.resumeWorkers().execute(() -> {
                try {
                    if (r.cursor().cancelled()) {
                        return;
                    }
                    if (r.fromLatest()) {
                        resumeFromLatest(r.ref(), r.cursor(), r.head(), r.now());
                    } else {
                        resume(r.ref(), r.cursor(), r.afterOffset(), r.time(), r.head(), r.now(), null);
                    }
                } finally {
                    startNext();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            refuse(r.ref(), r.cursor(), "the edge has too many resumes waiting; subscribe again in a moment");
            return false;
        }
    }

    /** A resume of this connection ended: starts its next waiting one, if any, in the place it leaves. */
    private void startNext() {
        while (true) {
            PendingResume next;
            synchronized (this) {
                next = pendingResumes == null ? null : pendingResumes.poll();
                if (next == null) {
                    runningResumes--;
                    return;
                }
            }
            if (submit(next)) {
                return;
            }
        }
    }

    /** Takes back a subscribe whose resume cannot be queued, and tells the owner ({@link ErrorCode#RESUME_BUSY}). */
    private void refuse(Object ref, ChannelCursor cursor, String message) {
        cursors.remove(cursor.channel(), cursor);
        edge.index().remove(cursor);
        cursor.discard();
        edge.metrics().resumeRefused();
        owner.resumeRefused(ref, cursor.channel(), message);
    }

    /**
     * On a resume worker: looks up the channel's latest value; sends it and resumes after it
     * ({@link #resume}), or, with none, answers {@code "retained":false} and goes live.
     */
    private void resumeFromLatest(Object ref, ChannelCursor cursor, long head, String now) {
        String channel = cursor.channel();
        LatestFollower.Lookup latest;
        try {
            latest = edge.latest().lookup(channel, edge.latestWaitMs());
        } catch (RuntimeException e) {
            LOG.warn("the latest value of {} cannot be read; answering retained:false ({})", channel, RetainedReason.UNAVAILABLE.wire(), e);
            latest = new LatestFollower.Lookup(null, RetainedReason.UNAVAILABLE);
        }
        RetainedEvent value = latest.event();
        RetainedReason missing = latest.missing();
        if (value != null && (!value.position().epoch().equals(edge.consumer().epoch()) || value.position().partition() != cursor.partition())) {
            value = null;
            missing = RetainedReason.EPOCH_MISMATCH;
        }
        if (value == null) {
            edge.metrics().retained(missing);
            finish(cursor, Frames.subscribed(ref, channel, now, null, missing), head, List.of());
            return;
        }
        edge.metrics().retained(null);
        long offset = value.position().offset();
        StoredFrame retained = new StoredFrame(cursor.partition(), offset,
                FrameCodec.retainedFrame(value.event(), PositionCodec.encode(value.position())));
        resume(ref, cursor, offset, null, head, now, retained);
    }

    /**
     * On a resume worker: replays what the cursor missed after {@code afterOffset} (or from
     * {@code time}, when set, looked up first), page by page, then turns it live. With
     * {@code retained} (the channel's latest value, at {@code afterOffset}), that goes first, even
     * when what follows it cannot be read.
     */
    private void resume(Object ref, ChannelCursor cursor, long afterOffset, Instant time, long head, String now, StoredFrame retained) {
        String channel = cursor.channel();
        // a retained event is sent as the replay's first frame: the cursor starts just before it
        long retainedFrom = retained == null ? head : retained.offset() - 1;
        List<StoredFrame> first = retained == null ? List.of() : List.of(retained);
        ResumeReader.Replay replay;
        LogTimeIndex.Start start = time == null ? new LogTimeIndex.Start(afterOffset, null) : null;
        try {
            if (start == null) {
                start = edge.resumeReader().startAt(cursor.partition(), time);
            }
            replay = start.notRecovered() == null ? edge.resumeReader().open(channel, cursor.partition(), start.afterOffset(), head) : null;
        } catch (RuntimeException e) {
            if (cursor.cancelled()) {
                return;
            }
            LOG.warn("resume of {} {} of partition {} cannot read the missed events; answering {}", channel,
                    time == null ? "after offset " + afterOffset : "from " + time, cursor.partition(), ResumeReason.HISTORY_UNAVAILABLE.wire(), e);
            edge.metrics().resumeFailed();
            finish(cursor, Frames.subscribed(ref, channel, now, ResumeReason.HISTORY_UNAVAILABLE, retained), retainedFrom, first);
            return;
        }
        if (replay == null) { // a time older than the log holds
            edge.metrics().resumed(false);
            finish(cursor, Frames.subscribed(ref, channel, now, start.notRecovered()), head, List.of());
            return;
        }
        try (replay) {
            boolean recovered = replay.reason() == null;
            edge.metrics().resumed(recovered);
            cursor.startReplay(Frames.subscribed(ref, channel, now, replay.reason(), retained),
                    retained != null ? retainedFrom : recovered ? start.afterOffset() : head);
            ChannelCursor.Progress progress = first.isEmpty() ? ChannelCursor.Progress.GOING : cursor.replay(first);
            while (recovered && progress == ChannelCursor.Progress.GOING) {
                List<StoredFrame> page = replay.next(); // not read once the replay is cancelled or too slow
                if (page.isEmpty()) {
                    break;
                }
                progress = cursor.replay(page);
            }
            after(progress == ChannelCursor.Progress.GOING ? cursor.goLive() : progress);
        } catch (RuntimeException e) {
            LOG.warn("resume of {} after offset {} of partition {} failed during its replay; closing the connection so that "
                    + "the client resumes from what it got", channel, start.afterOffset(), cursor.partition(), e);
            edge.metrics().resumeFailed();
            owner.reconnect("resume failed: reconnect and resume from your last position");
        }
    }

    /** Acts on how a replay ended: a client too slow for it is closed; a cancelled one (unsubscribed) is left alone. */
    private void after(ChannelCursor.Progress progress) {
        if (progress == ChannelCursor.Progress.TOO_SLOW) {
            owner.tooSlow();
        }
    }

    /** Unsubscribes {@code channel}; an error if it was not subscribed. */
    void unsubscribe(Object ref, String channel) {
        ChannelCursor cursor = cursors.remove(channel);
        if (cursor == null) {
            owner.error(ref, ErrorCode.NOT_SUBSCRIBED, "not subscribed to '" + channel + "'");
            return;
        }
        edge.index().remove(cursor);
        cursor.discard();
    }

    /**
     * Unsubscribes every channel {@code allowed} no longer accepts (a refreshed token that grants
     * less); returns them.
     */
    List<String> revoke(java.util.function.Predicate<String> allowed) {
        List<String> revoked = new java.util.ArrayList<>();
        for (String channel : List.copyOf(cursors.keySet())) {
            if (!allowed.test(channel)) {
                ChannelCursor cursor = cursors.remove(channel);
                if (cursor != null) {
                    edge.index().remove(cursor);
                    cursor.discard();
                    revoked.add(channel);
                }
            }
        }
        return revoked;
    }

    /** Unsubscribes every channel (the connection is closing). */
    void clear() {
        synchronized (this) {
            pendingResumes = null;
        }
        for (ChannelCursor c : cursors.values()) {
            edge.index().remove(c);
            c.discard();
        }
        cursors.clear();
    }

    private void finish(ChannelCursor cursor, byte[] subscribed, long afterOffset, List<StoredFrame> missed) {
        after(cursor.finishReplay(subscribed, afterOffset, missed));
    }
}
