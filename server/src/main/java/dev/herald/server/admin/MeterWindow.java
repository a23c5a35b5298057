package dev.herald.server.admin;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Meter;

/**
 * Two samples of a registry, and what happened between them: counters' rates per second, timers'
 * quantiles over the interval, gauges as of the newer sample. Meters are named as in Micrometer
 * ({@code herald.edge.deliveries}), and picked by name and, optionally, tag pairs
 * ({@code "result", "created"}); a query sums every meter that matches. A meter missing from the
 * older sample (registered since) counts from zero. Immutable.
 */
public final class MeterWindow {

    private final MeterSample older;
    private final MeterSample newer;

    /** @param older taken before {@code newer}, or the same sample (rates are then 0) */
    public MeterWindow(MeterSample older, MeterSample newer) {
        this.older = older;
        this.newer = newer;
    }

    /** The older sample (a window of it alone to itself says nothing happened). */
    public MeterSample older() {
        return older;
    }

    /** The length of the window in seconds (0 when both samples are one). */
    public double seconds() {
        return (newer.nanos() - older.nanos()) / 1e9;
    }

    /** Whether the newer sample has a meter named {@code name}. */
    public boolean has(String name) {
        return newer.values().keySet().stream().anyMatch(id -> id.getName().equals(name))
                || newer.histograms().keySet().stream().anyMatch(id -> id.getName().equals(name));
    }

    /** The counters {@code name} with {@code tags} summed, as of the newer sample. */
    public double total(String name, String... tags) {
        double sum = 0;
        for (Map.Entry<Meter.Id, Double> e : newer.values().entrySet()) {
            if (matches(e.getKey(), name, tags)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** {@link #total} of the counters {@code name}, by the value of their tag {@code by}, sorted by it. */
    public Map<String, Double> totalsBy(String name, String by) {
        Map<String, Double> totals = new TreeMap<>();
        for (Map.Entry<Meter.Id, Double> e : newer.values().entrySet()) {
            String value = e.getKey().getTag(by);
            if (value != null && e.getKey().getName().equals(name)) {
                totals.merge(value, e.getValue(), Double::sum);
            }
        }
        return totals;
    }

    /** How fast the counters {@code name} with {@code tags} grew, per second, over the window; 0 over no time. */
    public double rate(String name, String... tags) {
        double seconds = seconds();
        if (seconds <= 0) {
            return 0;
        }
        double delta = 0;
        for (Map.Entry<Meter.Id, Double> e : newer.values().entrySet()) {
            if (matches(e.getKey(), name, tags)) {
                delta += e.getValue() - older.values().getOrDefault(e.getKey(), 0.0);
            }
        }
        return Math.max(0, delta) / seconds;
    }

    /**
     * {@link #rate} of the counters {@code name} with {@code tags}, by the value of their tag
     * {@code by}, sorted by it. Unlike {@link #rate}, a counter the older sample lacks has no rate
     * yet (it is left out): these are counters that may come and go, and one that comes back
     * resumes a count it did not make within the window.
     */
    public Map<String, Double> ratesBy(String name, String by, String... tags) {
        Map<String, Double> rates = new TreeMap<>();
        for (Meter.Id id : newer.values().keySet()) {
            String value = id.getTag(by);
            if (value != null && matches(id, name, tags) && older.values().containsKey(id)) {
                rates.put(value, rate(name, append(tags, by, value)));
            }
        }
        return rates;
    }

    /** The gauges {@code name} with {@code tags} summed as of the newer sample, or {@code null} when there is none. */
    public Double gauge(String name, String... tags) {
        Double sum = null;
        for (Map.Entry<Meter.Id, Double> e : newer.values().entrySet()) {
            if (matches(e.getKey(), name, tags)) {
                sum = (sum == null ? 0 : sum) + e.getValue();
            }
        }
        return sum;
    }

    /** The gauges {@code name} as of the newer sample by the value of their tag {@code by}, sorted by it. */
    public Map<String, Double> gaugesBy(String name, String by) {
        Map<String, Double> values = new TreeMap<>();
        for (Map.Entry<Meter.Id, Double> e : newer.values().entrySet()) {
            String value = e.getKey().getTag(by);
            if (value != null && e.getKey().getName().equals(name)) {
                values.merge(value, e.getValue(), Double::sum);
            }
        }
        return values;
    }

    /**
     * The {@code q} quantile (0 to 1) of what the timers {@code name} with {@code tags} recorded
     * during the window, in seconds, from their histogram buckets as Prometheus's
     * {@code histogram_quantile} estimates it (linear within a bucket; the highest finite bound
     * past the last); {@code null} when they recorded nothing in the window.
     */
    public Double quantile(String name, double q, String... tags) {
        double[] bounds = null;
        double[] counts = null;
        double total = 0;
        for (Map.Entry<Meter.Id, MeterSample.Buckets> e : newer.histograms().entrySet()) {
            if (!matches(e.getKey(), name, tags)) {
                continue;
            }
            MeterSample.Buckets now = e.getValue();
            MeterSample.Buckets then = older.histograms().get(e.getKey());
            if (bounds == null) {
                bounds = now.bounds();
                counts = new double[bounds.length];
            }
            if (now.bounds().length != bounds.length) {
                continue; // timers of one name share their buckets; never otherwise in Herald
            }
            for (int i = 0; i < bounds.length; i++) {
                counts[i] += now.counts()[i] - (then == null ? 0 : then.counts()[i]);
            }
            total += now.count() - (then == null ? 0 : then.count());
        }
        if (bounds == null || total <= 0) {
            return null;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (counts[i] >= rank) {
                double inBucket = counts[i] - lowerCount;
                return inBucket <= 0 ? bounds[i] : lowerBound + (bounds[i] - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bounds[i];
            lowerCount = counts[i];
        }
        return bounds.length == 0 ? null : bounds[bounds.length - 1];
    }

    private static boolean matches(Meter.Id id, String name, String[] tags) {
        if (!id.getName().equals(name)) {
            return false;
        }
        for (int i = 0; i + 1 < tags.length; i += 2) {
            if (!tags[i + 1].equals(id.getTag(tags[i]))) {
                return false;
            }
        }
        return true;
    }

    private static String[] append(String[] tags, String key, String value) {
        String[] more = java.util.Arrays.copyOf(tags, tags.length + 2);
        more[tags.length] = key;
        more[tags.length + 1] = value;
        return more;
    }
}
