package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time something other than the benchmark used over an interval:
 * other processes, and time the hypervisor stole. The benchmark is this JVM, the child
 * processes it has waited for (the Kafka tools) and the running children it names (an edge). A run whose measurements shared the CPUs with,
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

    /**
     * The CPU times now, or {@code null} if they cannot be read.
     *
     * @param running child processes still running whose CPU time belongs to the benchmark
     */
    static Sample sample(ProcessHandle... running) {
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

            long own = processTicks("self", true);
            for (ProcessHandle child : running) {
                own += processTicks(Long.toString(child.pid()), false);
            }
            return new Sample(busy, busy + idle + iowait, own);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** User and system ticks of process {@code pid} ("self" for this one), with its reaped children's if asked. */
    private static long processTicks(String pid, boolean withReapedChildren) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
        // Fields after the command name, which is in parentheses: state is field 3, utime 14 .. cstime 17.
        String[] s = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(s[11]) + Long.parseLong(s[12]);
        return withReapedChildren ? ticks + Long.parseLong(s[13]) + Long.parseLong(s[14]) : ticks;
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
