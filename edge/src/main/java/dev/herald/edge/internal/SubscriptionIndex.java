package dev.herald.edge.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.fanout.EventSink;

/**
 * Which cursors follow which channel. The fanout consumer hands it every new event; it passes
 * the same frame bytes to every cursor of the channel.
 *
 * <p>Thread-safe: lookups on the poll thread, changes from connection threads.
 */
public final class SubscriptionIndex implements EventSink {

    private final ConcurrentHashMap<String, Set<ChannelCursor>> byChannel = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();

    void add(ChannelCursor cursor) {
        byChannel.computeIfAbsent(cursor.channel(), c -> ConcurrentHashMap.newKeySet()).add(cursor);
        subscriptions.incrementAndGet();
    }

    void remove(ChannelCursor cursor) {
        byChannel.computeIfPresent(cursor.channel(), (c, set) -> {
            if (set.remove(cursor)) {
                subscriptions.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    /** Subscriptions across all connections. */
    public int subscriptions() {
        return subscriptions.get();
    }

    @Override
    public void deliver(String channel, int partition, long offset, byte[] frame) {
        Set<ChannelCursor> cursors = byChannel.get(channel);
        if (cursors != null) {
            for (ChannelCursor c : cursors) {
                c.onLive(offset, frame);
            }
        }
    }
}
