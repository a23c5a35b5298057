package dev.herald.server.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * What a registry's meters read at one moment: each counter's count, each gauge's value, and each
 * timer's count and cumulative histogram buckets (in seconds). Only meters whose names start with
 * the prefix are read. Immutable.
 */
public final class MeterSample {

    private final long nanos;
    private final Map<Meter.Id, Double> values;
    private final Map<Meter.Id, Buckets> histograms;

    private MeterSample(long nanos, Map<Meter.Id, Double> values, Map<Meter.Id, Buckets> histograms) {
        this.nanos = nanos;
        this.values = values;
        this.histograms = histograms;
    }

    /**
     * Reads every meter of {@code registry} named {@code prefix...} now.
     *
     * @param nanos the moment, on a monotonic clock in nanoseconds
     */
    public static MeterSample of(MeterRegistry registry, String prefix, long nanos) {
        Map<Meter.Id, Double> values = new HashMap<>();
        Map<Meter.Id, Buckets> histograms = new HashMap<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (!id.getName().startsWith(prefix)) {
                continue;
            }
            meter.use(
                    gauge -> values.put(id, gauge.value()),
                    counter -> values.put(id, counter.count()),
                    timer -> histograms.put(id, Buckets.of(timer.takeSnapshot())),
                    summary -> histograms.put(id, Buckets.of(summary.takeSnapshot())),
                    longTask -> { },
                    timeGauge -> values.put(id, timeGauge.value(TimeUnit.SECONDS)),
                    functionCounter -> values.put(id, functionCounter.count()),
                    functionTimer -> values.put(id, functionTimer.count()),
                    other -> { });
        }
        return new MeterSample(nanos, values, histograms);
    }

    /** When it was taken, on a monotonic clock in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    Map<Meter.Id, Double> values() {
        return values;
    }

    Map<Meter.Id, Buckets> histograms() {
        return histograms;
    }

    /**
     * A histogram's cumulative bucket counts: {@code counts[i]} observations at most {@code bounds[i]}
     * (seconds for a timer), and {@code count} in all.
     */
    record Buckets(double[] bounds, double[] counts, long count) {

        static Buckets of(HistogramSnapshot snapshot) {
            CountAtBucket[] at = snapshot.histogramCounts();
            double[] bounds = new double[at.length];
            double[] counts = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                bounds[i] = at[i].bucket(TimeUnit.SECONDS);
                counts[i] = at[i].count();
            }
            return new Buckets(bounds, counts, snapshot.count());
        }
    }
}
