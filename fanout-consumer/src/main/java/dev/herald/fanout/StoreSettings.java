package dev.herald.fanout;

/**
 * The bounds of an edge's store.
 *
 * @param dedupWindowMs      how long an event id is remembered, in milliseconds
 * @param dedupMaxBytes      the most disk the dedup index may use, in bytes (oldest ids go first)
 * @param historyPerChannel  how many recent events of each channel are kept for fast resume
 * @param channelCacheMax    how many channels' history counts the writer keeps in memory; a
 *                           channel past it is counted again from disk when it next gets an event
 */
public record StoreSettings(long dedupWindowMs, long dedupMaxBytes, int historyPerChannel, int channelCacheMax) {

    /** The default of {@link #channelCacheMax}. */
    public static final int DEFAULT_CHANNEL_CACHE_MAX = 100_000;

    public StoreSettings {
        if (dedupWindowMs < 1_000) {
            throw new IllegalArgumentException("dedupWindowMs must be >= 1000, was " + dedupWindowMs);
        }
        if (dedupMaxBytes < 1 << 20) {
            throw new IllegalArgumentException("dedupMaxBytes must be >= 1 MiB, was " + dedupMaxBytes);
        }
        if (historyPerChannel < 0) {
            throw new IllegalArgumentException("historyPerChannel must be >= 0, was " + historyPerChannel);
        }
        if (channelCacheMax < 1) {
            throw new IllegalArgumentException("channelCacheMax must be >= 1, was " + channelCacheMax);
        }
    }

    /** Settings with the default {@link #channelCacheMax}. */
    public StoreSettings(long dedupWindowMs, long dedupMaxBytes, int historyPerChannel) {
        this(dedupWindowMs, dedupMaxBytes, historyPerChannel, DEFAULT_CHANNEL_CACHE_MAX);
    }
}
