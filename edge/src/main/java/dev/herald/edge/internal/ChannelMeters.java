package dev.herald.edge.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters for the busiest channels only: {@code herald_edge_channel_deliveries_total{channel}} and
 * {@code herald_edge_channel_delivered_bytes_total{channel}}, live event frames handed to the
 * channel's subscribers on this edge since the channel was taken into the {@link ChannelTally}.
 *
 * <p>Cardinality: a channel tag per channel would grow without bound with the channels, so only
 * the {@value #TOP} busiest channels get meters when {@link #sync} runs, and a metered channel
 * keeps them until it falls below the {@value #KEEP} busiest (or out of the tally), so that a
 * channel at the edge of the top does not come and go at every sync. At most {@value #KEEP} series
 * of each name exist at once. Not thread-safe: one thread calls {@link #sync} (the admin sampler's).
 */
final class ChannelMeters {

    /** Channels that get meters. */
    static final int TOP = 10;
    /** Channels that keep the meters they have. */
    static final int KEEP = 2 * TOP;

    private final MeterRegistry registry;
    private final ChannelTally tally;
    private final Map<String, Metered> metered = new HashMap<>();

    ChannelMeters(MeterRegistry registry, ChannelTally tally) {
        this.registry = registry;
        this.tally = tally;
    }

    /** Gives the busiest channels meters and removes those of channels no longer among the busiest. */
    void sync() {
        List<ChannelTally.Entry> keep = tally.top(KEEP);
        Set<ChannelTally.Entry> kept = new HashSet<>(keep);
        metered.values().removeIf(m -> {
            if (kept.contains(m.entry)) {
                return false;
            }
            registry.remove(m.deliveries);
            registry.remove(m.bytes);
            return true;
        });
        for (ChannelTally.Entry e : keep.subList(0, Math.min(TOP, keep.size()))) {
            metered.computeIfAbsent(e.channel(), c -> new Metered(e,
                    FunctionCounter.builder("herald.edge.channel.deliveries", e, ChannelTally.Entry::deliveries).tag("channel", c)
                            .description("Live event frames handed to the channel's subscribers on this edge, for the busiest channels only "
                                    + "(counted since the channel became one of them)").register(registry),
                    FunctionCounter.builder("herald.edge.channel.delivered", e, ChannelTally.Entry::bytes).tag("channel", c).baseUnit("bytes")
                            .description("Bytes of live event frames handed to the channel's subscribers on this edge, for the busiest "
                                    + "channels only (counted since the channel became one of them)").register(registry)));
        }
    }

    /** Channels with meters now. */
    Set<String> channels() {
        return Set.copyOf(metered.keySet());
    }

    private record Metered(ChannelTally.Entry entry, Meter deliveries, Meter bytes) {
    }
}
