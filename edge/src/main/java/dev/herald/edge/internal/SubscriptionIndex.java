package dev.herald.edge.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.herald.fanout.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cursors follow which channel, grouped by the I/O thread of their connections. The fanout
 * consumer hands it every new event; it passes the same frame bytes to every cursor of the
 * channel.
 *
 * <p>Why grouped by I/O thread: the poll thread does not visit the cursors itself. It hands each
 * I/O thread that serves the channel one task per event, and that thread offers the frame to its
 * own connections' queues and writes them in the same turn. Delivering one event to a thousand
 * connections is then a couple of hand-offs and wake-ups instead of a thousand queue offers on the
 * poll thread racing the I/O threads that drain them. A connection always lives on one I/O thread
 * and each thread runs its tasks in order, so every cursor still sees its channel in offset order.
 *
 * <p>A cursor added while an event is on its way may or may not get it; either is right (see
 * {@link ChannelCursor}: a live subscriber's position is read after it is added, and is at or
 * above every event handed here before; a resume reads the missed events after it is added, and
 * skips what it sees twice).
 *
 * <p>A cursor that throws is counted and logged as a failed task ({@link IoThreadTasks#failed}),
 * its connection is closed for its client to resume ({@link ChannelCursor#failed}: it may have
 * missed the event), and the other cursors still get the event.
 *
 * <p>Thread-safe: {@link #deliver} and {@link #behind} on the poll thread (never waits, see
 * {@link IoThreadTasks}), {@link #deliverEphemeral} on the lane's receiver thread (never waits),
 * changes from connection threads.
 */
public final class SubscriptionIndex implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionIndex.class);
    /** At most one oversized-event warning per this long; every one is counted. */
    private static final long OVERSIZED_LOG_INTERVAL_NS = 60_000_000_000L;

    private final IoThreadTasks ioTasks;
    /** Largest frame a connection's queue takes (queue.max.bytes less a message's overhead). */
    private final long maxFrameBytes;
    private final LongAdder oversized = new LongAdder();
    private long lastOversizedLogNanos = System.nanoTime() - OVERSIZED_LOG_INTERVAL_NS;
    private final ConcurrentHashMap<String, Map<IoThreadTasks.Lane, Set<ChannelCursor>>> byChannel = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    /** The busiest channels, fed once per live event (poll thread). */
    private final ChannelTally tally = new ChannelTally(System::nanoTime);

    /** An index whose connections take frames of any size (tests, benchmarks). */
    SubscriptionIndex(IoThreadTasks ioTasks) {
        this(ioTasks, Long.MAX_VALUE);
    }

    /**
     * @param maxFrameBytes the largest frame a connection's queue takes; a larger event is counted
     *                      ({@link #oversizedEvents}) and logged, since no subscriber can receive it
     */
    SubscriptionIndex(IoThreadTasks ioTasks, long maxFrameBytes) {
        this.ioTasks = ioTasks;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Events consumed whose frame no connection's queue can take: the edge's event.max.bytes and
     * queue.max.bytes are below what a producer wrote (ingest's limit, or a foreign producer's).
     */
    public long oversizedEvents() {
        return oversized.sum();
    }

    void add(ChannelCursor cursor) {
        byChannel.compute(cursor.channel(), (c, lanes) -> {
            Map<IoThreadTasks.Lane, Set<ChannelCursor>> map = lanes != null ? lanes : new ConcurrentHashMap<>();
            if (map.computeIfAbsent(cursor.lane(), l -> ConcurrentHashMap.newKeySet()).add(cursor)) {
                subscriptions.incrementAndGet();
            }
            return map;
        });
    }

    void remove(ChannelCursor cursor) {
        byChannel.computeIfPresent(cursor.channel(), (c, lanes) -> {
            Set<ChannelCursor> cursors = lanes.get(cursor.lane());
            if (cursors != null && cursors.remove(cursor)) {
                subscriptions.decrementAndGet();
                if (cursors.isEmpty()) {
                    lanes.remove(cursor.lane());
                }
            }
            return lanes.isEmpty() ? null : lanes;
        });
    }

    /** The busiest channels by live deliveries. */
    ChannelTally tally() {
        return tally;
    }

    /** Subscriptions across all connections. */
    public int subscriptions() {
        return subscriptions.get();
    }

    /**
     * Hands the event to each I/O thread with cursors of {@code channel}; returns without waiting
     * for them to deliver it, and never waits for room (see {@link #behind}).
     */
    @Override
    public void deliver(String channel, int partition, long offset, byte[] frame) {
        if (frame.length > maxFrameBytes) {
            oversized(channel, partition, offset, frame.length);
        }
        Map<IoThreadTasks.Lane, Set<ChannelCursor>> lanes = byChannel.get(channel);
        if (lanes != null) {
            int subscribers = 0;
            for (Set<ChannelCursor> cursors : lanes.values()) {
                subscribers += cursors.size();
            }
            tally.add(channel, subscribers, frame.length);
            lanes.forEach((lane, cursors) -> lane.handOff(() -> {
                for (ChannelCursor c : cursors) {
                    try {
                        c.onLive(offset, frame);
                    } catch (RuntimeException e) {
                        ioTasks.failed(lane, e);
                        try {
                            c.failed();
                        } catch (RuntimeException closing) {
                            ioTasks.failed(lane, closing);
                        }
                    }
                }
            }));
        }
    }

    /**
     * Hands an event an operator's replay sends again (its frame marked {@code "replayed":true})
     * to each I/O thread with cursors of {@code channel}, like {@link #deliver}: never waiting,
     * counted in the hand-offs that {@link #behind} bounds, so the replay paces itself by
     * {@link #behind} as the consumer does. Live cursors send it whatever their offset
     * ({@link ChannelCursor#onRedelivered}).
     *
     * @return the I/O threads it was handed to (0: nobody follows the channel here)
     */
    public int redeliver(String channel, long offset, byte[] frame) {
        Map<IoThreadTasks.Lane, Set<ChannelCursor>> lanes = byChannel.get(channel);
        if (lanes == null) {
            return 0;
        }
        int handed = 0;
        for (Map.Entry<IoThreadTasks.Lane, Set<ChannelCursor>> e : lanes.entrySet()) {
            IoThreadTasks.Lane lane = e.getKey();
            Set<ChannelCursor> cursors = e.getValue();
            handed++;
            lane.handOff(() -> {
                for (ChannelCursor c : cursors) {
                    try {
                        c.onRedelivered(offset, frame);
                    } catch (RuntimeException failure) {
                        ioTasks.failed(lane, failure);
                    }
                }
            });
        }
        return handed;
    }

    /**
     * Closes every connection with a cursor in {@code partition} for its client to resume: the
     * edge skipped events of that partition that the log no longer has, and a resume tells the
     * client so ({@code recovered:false}) rather than leaving it with a silent gap.
     */
    @Override
    public void positionLost(int partition) {
        forEachCursor(c -> {
            if (c.partition() == partition) {
                c.positionLost();
            }
        });
    }

    /** The consumer stopped for good: every connection is closed for its client to resume on another edge. */
    @Override
    public void consumerStopped() {
        forEachCursor(ChannelCursor::positionLost);
    }

    /** Every cursor of every channel; for the rare events that concern all of them, never per event. */
    private void forEachCursor(Consumer<ChannelCursor> action) {
        for (Map<IoThreadTasks.Lane, Set<ChannelCursor>> lanes : byChannel.values()) {
            for (Set<ChannelCursor> cursors : lanes.values()) {
                cursors.forEach(action);
            }
        }
    }

    /** Counts an event too large for any connection, and logs it at most once a minute (poll thread only). */
    private void oversized(String channel, int partition, long offset, int bytes) {
        oversized.increment();
        long now = System.nanoTime();
        if (now - lastOversizedLogNanos >= OVERSIZED_LOG_INTERVAL_NS) {
            lastOversizedLogNanos = now;
            LOG.error("event at offset {} of partition {} (channel {}) has a frame of {} bytes, more than a connection's queue takes ({}): "
                    + "its subscribers cannot receive it; raise queue.max.bytes and event.max.bytes to at least what producers write "
                    + "(ingest's publish.max.body.bytes)", offset, partition, channel, bytes, maxFrameBytes);
        }
    }

    /** Whether an I/O thread has {@link IoThreadTasks#MAX_HANDOFFS} events or more still to deliver. */
    @Override
    public boolean behind() {
        return ioTasks.behind();
    }

    /**
     * Hands an ephemeral event to each I/O thread with cursors of {@code channel}, like
     * {@link #deliver}, except to a thread with half of {@link IoThreadTasks#MAX_HANDOFFS} events
     * still to deliver: its cursors skip this one.
     *
     * @return the cursors that skipped it (cursors still replaying, which would have dropped it
     *         anyway, included)
     */
    int deliverEphemeral(String channel, byte[] frame) {
        Map<IoThreadTasks.Lane, Set<ChannelCursor>> lanes = byChannel.get(channel);
        if (lanes == null) {
            return 0;
        }
        int skipped = 0;
        for (Map.Entry<IoThreadTasks.Lane, Set<ChannelCursor>> e : lanes.entrySet()) {
            Set<ChannelCursor> cursors = e.getValue();
            IoThreadTasks.Lane lane = e.getKey();
            if (!lane.tryHandOff(() -> {
                for (ChannelCursor c : cursors) {
                    try {
                        c.onEphemeral(frame);
                    } catch (RuntimeException failure) {
                        ioTasks.failed(lane, failure);
                    }
                }
            })) {
                skipped += cursors.size();
            }
        }
        return skipped;
    }
}
