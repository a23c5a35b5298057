package dev.herald.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The share of the machine's CPU time that other processes took during each measurement of a run
 * (see {@link CpuInterference}), by measurement, in order. The benchmark's own running children
 * (an edge in its own JVM) are named with {@link #alsoCount} so that their CPU time is not taken
 * for interference. Not thread-safe.
 */
final class InterferenceLog {

    /** Share of the CPU time other processes may take during a measurement before the run is called disturbed. */
    static final double LIMIT = 0.05;

    /** One measurement. */
    interface Step<T> {
        T run() throws IOException, InterruptedException;
    }

    private final Map<String, Double> shares = new LinkedHashMap<>();
    private final List<ProcessHandle> children = new ArrayList<>();

    /** Counts {@code child}'s CPU time as the benchmark's own from now on. */
    void alsoCount(ProcessHandle child) {
        children.add(child);
    }

    /** Runs {@code step} and notes, under {@code name}, how much CPU time other processes took meanwhile. */
    <T> T measure(String name, Step<T> step) throws IOException, InterruptedException {
        ProcessHandle[] running = children.stream().filter(ProcessHandle::isAlive).toArray(ProcessHandle[]::new);
        CpuInterference.Sample before = CpuInterference.sample(running);
        T result = step.run();
        shares.put(name, CpuInterference.between(before, CpuInterference.sample(running)));
        return result;
    }

    /** The shares by measurement, in order; NaN where unknown. */
    Map<String, Double> shares() {
        return Collections.unmodifiableMap(shares);
    }

    /** The largest known share. */
    double max() {
        return shares.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** Whether other processes took enough CPU time during some measurement to spoil it. */
    boolean disturbed() {
        return max() > LIMIT;
    }

    /** "name 0.3%, name 1.2%", or "unknown on this OS". */
    String summary() {
        if (shares.values().stream().allMatch(v -> v.isNaN())) {
            return "unknown on this OS";
        }
        return shares.entrySet().stream()
                .map(e -> e.getKey() + " " + (e.getValue().isNaN() ? "?" : String.format(Locale.ROOT, "%.1f%%", e.getValue() * 100)))
                .collect(Collectors.joining(", "));
    }

    /** The Markdown warning a disturbed run's report opens with, or nothing. */
    String markdownWarning() {
        if (!disturbed()) {
            return "";
        }
        return "> **Warning: disturbed run.** Other processes used up to " + Numbers.pct(max())
                + " of the machine's CPU time during a measurement (over " + Numbers.pct(LIMIT)
                + "; see *Other CPU load* below), so these figures are not representative of Herald or Kafka.\n\n";
    }

    /** The run table's row with every measurement's share. */
    String markdownRow() {
        return "| Other CPU load | share of the machine's CPU time used by other processes (or stolen by the hypervisor) "
                + "during each measurement: " + summary() + " |\n";
    }

    /** The console's first lines: a warning if disturbed, then every share. */
    String consoleHeader() {
        return (disturbed() ? "WARNING: disturbed run, other processes used up to " + Numbers.pct(max())
                + " of the CPU time during a measurement\n\n" : "") + "Other CPU load: " + summary();
    }
}
