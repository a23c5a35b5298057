package dev.herald.streams;

import java.time.Instant;
import java.util.Objects;

/**
 * What was published to one channel in one minute of event time, as the streams service writes it
 * to {@code herald.stats}: the basis for billing.
 *
 * <p>Each record of a channel and minute holds the totals so far; a later record of the same
 * channel and minute (an event of that minute arrived later) replaces it, and the last one is the
 * minute's total. A channel's records are in one partition, in the order they were made.
 *
 * @param channel     the channel
 * @param windowStart the minute's start (inclusive)
 * @param windowEnd   its end (exclusive), one minute later
 * @param events      events published to the channel in the minute
 * @param bytes       their payload bytes
 */
public record ChannelUsage(String channel, Instant windowStart, Instant windowEnd, long events, long bytes) {

    public ChannelUsage {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        if (!windowEnd.isAfter(windowStart)) {
            throw new IllegalArgumentException("windowEnd " + windowEnd + " must be after windowStart " + windowStart);
        }
        if (events < 0 || bytes < 0) {
            throw new IllegalArgumentException("events and bytes must be >= 0, were " + events + " and " + bytes);
        }
    }
}
