package dev.herald.edge.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;

/**
 * One connection's channels, whatever its protocol (WebSocket or SSE): subscribes each with or
 * without a resume position, following the rules of {@link ChannelCursor}, and unsubscribes.
 *
 * <p>A subscribe answers, through the owner, with the channel's {@code subscribed} frame, then
 * the missed events in order, then live events; or with an error and no subscription. A resume
 * runs on a resume worker (it may read Kafka), so its answer comes later; live events of the
 * channel are buffered meanwhile.
 *
 * <p>Thread-safe.
 */
final class Subscriptions {

    /** The connection behind the subscriptions. */
    interface Owner extends Subscriber {

        /** A subscribe or unsubscribe failed; nothing changed. */
        void error(Object ref, String code, String message);

        /** Live events overflowed a channel's buffer during its replay: the connection must close as too slow. */
        void tooSlow();
    }

    private final EdgeContext edge;
    private final Owner owner;
    private final Map<String, ChannelCursor> cursors = new ConcurrentHashMap<>();

    Subscriptions(EdgeContext edge, Owner owner) {
        this.edge = edge;
        this.owner = owner;
    }

    /**
     * Subscribes {@code channel}, live from now when {@code since} is {@code null}, else after
     * {@code since}. A position from another epoch subscribes live with
     * {@code recovered:false, reason:"epoch-mismatch"}; one of another partition is an error.
     */
    void subscribe(Object ref, String channel, Position since) {
        subscribe(ref, channel, since, since != null && !since.epoch().equals(edge.consumer().epoch()));
    }

    /**
     * Subscribes {@code channel} live from now, answering {@code recovered:false,
     * reason:"epoch-mismatch"}: the client's resume point is from another epoch of the log.
     */
    void subscribeFromOtherEpoch(Object ref, String channel) {
        subscribe(ref, channel, null, true);
    }

    private void subscribe(Object ref, String channel, Position since, boolean otherEpoch) {
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            owner.error(ref, "invalid-channel", violation);
            return;
        }
        if (cursors.containsKey(channel)) {
            owner.error(ref, "already-subscribed", "already subscribed to " + channel);
            return;
        }
        if (cursors.size() >= edge.maxSubscriptions()) {
            owner.error(ref, "too-many-subscriptions", "a connection may follow at most " + edge.maxSubscriptions() + " channels");
            return;
        }
        FanoutConsumer consumer = edge.consumer();
        int partition = consumer.partitionOf(channel);
        if (since != null && !otherEpoch && since.partition() != partition) {
            owner.error(ref, "invalid-position", "position belongs to another channel's partition");
            return;
        }
        ChannelCursor cursor = new ChannelCursor(channel, partition, owner, edge.maxQueuedEvents());
        cursors.put(channel, cursor);
        edge.index().add(cursor);
        long head = Math.max(-1, consumer.nextOffset(partition) - 1);
        String now = PositionCodec.encode(new Position(consumer.epoch(), partition, head));
        if (otherEpoch) {
            edge.metrics().resumed(false);
            finish(cursor, Frames.subscribed(ref, channel, now, false, "epoch-mismatch"), head, List.of());
        } else if (since == null) {
            finish(cursor, Frames.subscribed(ref, channel, now, true, null), head, List.of());
        } else {
            edge.resumeWorkers().execute(() -> {
                ResumeReader.Missed missed;
                try {
                    missed = edge.resumeReader().read(channel, partition, since.offset());
                } catch (RuntimeException e) {
                    missed = new ResumeReader.Missed(List.of(), "history-unavailable");
                }
                boolean recovered = missed.reason() == null;
                edge.metrics().resumed(recovered);
                byte[] subscribed = Frames.subscribed(ref, channel, now, recovered, missed.reason());
                finish(cursor, subscribed, recovered ? since.offset() : head, missed.frames());
            });
        }
    }

    /** Unsubscribes {@code channel}; an error if it was not subscribed. */
    void unsubscribe(Object ref, String channel) {
        ChannelCursor cursor = cursors.remove(channel);
        if (cursor == null) {
            owner.error(ref, "not-subscribed", "not subscribed to '" + channel + "'");
            return;
        }
        edge.index().remove(cursor);
    }

    /** Unsubscribes every channel (the connection is closing). */
    void clear() {
        for (ChannelCursor c : cursors.values()) {
            edge.index().remove(c);
        }
        cursors.clear();
    }

    private void finish(ChannelCursor cursor, byte[] subscribed, long afterOffset, List<StoredFrame> missed) {
        if (!cursor.finishReplay(subscribed, afterOffset, missed)) {
            owner.tooSlow();
        }
    }
}
