package dev.herald.server.limits;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what the limiters refused, by {@link LimitReason}. One instance per service, shared by
 * its limiters; {@link #bindTo} exports the counts as {@value #METRIC} with a {@code reason} tag
 * ({@code herald_limits_refused_total{reason="publishes"}} in Prometheus).
 *
 * <p>What one count is: a refused request (publishes: one per refused publish call, whatever its
 * permits), a refused connection, or a refused frame (including the one answered with close).
 *
 * <p>Thread-safe; counting never blocks and allocates nothing.
 */
public final class LimitRefusals {

    /** The metric's name. */
    public static final String METRIC = "herald.limits.refused";

    private final LongAdder[] counts = new LongAdder[LimitReason.values().length];

    public LimitRefusals() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts one refusal for {@code reason}. */
    public void record(LimitReason reason) {
        counts[reason.ordinal()].increment();
    }

    /** Refusals counted for {@code reason} so far. */
    public long count(LimitReason reason) {
        return counts[reason.ordinal()].sum();
    }

    /** Registers one counter per reason in {@code registry}; returns this. */
    public LimitRefusals bindTo(MeterRegistry registry) {
        for (LimitReason reason : LimitReason.values()) {
            FunctionCounter.builder(METRIC, this, r -> r.count(reason))
                    .tag("reason", reason.tag())
                    .description("Requests, connections and frames refused by a rate or connection limit, by the limit that refused")
                    .register(registry);
        }
        return this;
    }
}
