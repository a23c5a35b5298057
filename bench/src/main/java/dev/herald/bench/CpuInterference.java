package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time something other than the benchmark used over an interval:
 * other processes, and time the hypervisor stole. The benchmark is this JVM and the child
 * processes it has waited for (the Kafka tools). A run whose measurements shared the CPUs with,
 * say, a build is not representative, and the report says so.
 *
 * <p>Reads {@code /proc/stat} and {@code /proc/self/stat}, so it knows only on Linux; elsewhere
 * every share is {@link Double#NaN}.
 */
final class CpuInterference {

    /** A reading of the machine's and the benchmark's CPU time, in clock ticks; {@code null} when unknown. */
    record Sample(long machineBusy, long machineTotal, long benchmark) {
    }

    private CpuInterference() {
    }

    /** The CPU times now, or {@code null} if they cannot be read. */
    static Sample sample() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = cpu.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;

            String self = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            // Fields after the command name, which is in parentheses: state is field 3, utime 14 .. cstime 17.
            String[] s = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            long own = Long.parseLong(s[11]) + Long.parseLong(s[12]) + Long.parseLong(s[13]) + Long.parseLong(s[14]);
            return new Sample(busy, busy + idle + iowait, own);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The share (0 to 1) of all the machine's CPU time between {@code from} and {@code to} that
     * the benchmark did not use but something else did; NaN when unknown.
     */
    static double between(Sample from, Sample to) {
        if (from == null || to == null || to.machineTotal() <= from.machineTotal()) {
            return Double.NaN;
        }
        long others = (to.machineBusy() - from.machineBusy()) - (to.benchmark() - from.benchmark());
        return Math.max(0, others) / (double) (to.machineTotal() - from.machineTotal());
    }
}
