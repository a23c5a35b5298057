package dev.herald.server.limits;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Ingest's limits, as read by {@link LimitsConfig#ingest}.
 *
 * @param publishes    events a second per publisher
 * @param publishBytes payload bytes a second per publisher
 * @param maxKeys      most publishers with buckets at once
 */
public record IngestLimits(Rate publishes, Rate publishBytes, long maxKeys) {

    public IngestLimits {
        if (maxKeys < 1) {
            throw new IllegalArgumentException(LimitsConfig.MAX_KEYS + " must be at least 1, not " + maxKeys);
        }
    }

    /** The defaults of {@link LimitsConfig}. */
    public static IngestLimits defaults() {
        return new IngestLimits(Rate.parse(LimitsConfig.DEFAULT_PUBLISH_RATE), Rate.parse(LimitsConfig.DEFAULT_PUBLISH_BYTES_RATE),
                LimitsConfig.DEFAULT_MAX_KEYS);
    }

    /** A publish limiter of these limits. */
    public PublishLimiter publishLimiter(Ticker ticker, LimitRefusals refusals) {
        return new PublishLimiter(publishes, publishBytes, maxKeys, ticker, refusals);
    }
}
