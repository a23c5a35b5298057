package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The busiest channels of this edge lately, by the bytes of live event frames handed to their
 * subscribers, in bounded space whatever the number of channels.
 *
 * <pre>
 * The space-saving algorithm (Metwally, Agrawal, El Abbadi: "Efficient computation of frequent and
 * top-k elements in data streams", ICDT 2005), weighted by bytes:
 *  - at most CAPACITY channels are tracked, each with a score;
 *  - a delivery to a tracked channel adds its bytes to the channel's score;
 *  - a delivery to an untracked channel, with every slot taken, evicts the channel of the lowest
 *    score m and takes its slot with the score m + bytes. A score overstates its channel's bytes by
 *    at most the m it inherited, and any channel with more than (all bytes / CAPACITY) is tracked,
 *    so the top few of CAPACITY are the true top few unless traffic is almost flat.
 *  - every DECAY_INTERVAL every score is halved (which keeps the guarantees, all scores scaling
 *    alike), so that "busiest" means lately, not since the edge started.
 * Each tracked channel also counts, exactly, its deliveries and bytes since it was last taken in:
 * the figures the metrics and the admin page show (monotonic while tracked; a channel evicted and
 * taken in again counts from zero, which Prometheus reads as a counter reset).
 * </pre>
 *
 * <p>Fed on the poll thread, once per event (not per connection): a map lookup and two additions;
 * an eviction scans the CAPACITY slots. Thread-safety: {@link #add} and {@link #top} synchronize on
 * the tally (uncontended but for a reader once a second); an {@link Entry}'s counts are written
 * by the poll thread only and may be read from any thread.
 */
final class ChannelTally {

    /** Channels tracked at once. */
    static final int CAPACITY = 100;
    /** How often every score is halved. */
    static final long DECAY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(60);

    private final Map<String, Entry> entries = new HashMap<>();
    private final LongSupplier nanoTime;
    private long lastDecayNanos;

    /** @param nanoTime a monotonic clock in nanoseconds (decay) */
    ChannelTally(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastDecayNanos = nanoTime.getAsLong();
    }

    /** Counts a live event of {@code frameBytes} handed to {@code subscribers} subscribers of {@code channel}. */
    synchronized void add(String channel, int subscribers, int frameBytes) {
        if (subscribers <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastDecayNanos >= DECAY_INTERVAL_NS) {
            lastDecayNanos = now;
            for (Entry e : entries.values()) {
                e.score /= 2;
            }
        }
        long bytes = (long) subscribers * frameBytes;
        Entry entry = entries.get(channel);
        if (entry == null) {
            double inherited = 0;
            if (entries.size() >= CAPACITY) {
                Entry lowest = null;
                for (Entry e : entries.values()) {
                    if (lowest == null || e.score < lowest.score) {
                        lowest = e;
                    }
                }
                entries.remove(lowest.channel);
                inherited = lowest.score;
            }
            entry = new Entry(channel, inherited);
            entries.put(channel, entry);
        }
        entry.score += bytes;
        entry.deliveries += subscribers;
        entry.bytes += bytes;
    }

    /** The {@code n} channels of the highest scores, highest first. */
    synchronized List<Entry> top(int n) {
        List<Entry> all = new ArrayList<>(entries.values());
        all.sort(Comparator.comparingDouble((Entry e) -> e.score).reversed().thenComparing(e -> e.channel));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    /** A tracked channel: its score, and what it was delivered since it was taken in. */
    static final class Entry {

        private final String channel;
        /** Guarded by the tally. */
        private double score;
        private volatile long deliveries;
        private volatile long bytes;

        private Entry(String channel, double score) {
            this.channel = channel;
            this.score = score;
        }

        String channel() {
            return channel;
        }

        /** Event frames handed to subscribers since the channel was taken in. */
        long deliveries() {
            return deliveries;
        }

        /** Their bytes. */
        long bytes() {
            return bytes;
        }
    }
}
