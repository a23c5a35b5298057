package dev.herald.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The CPU time (user and system) some processes use over a measurement: a scenario target's
 * servers (Herald's edges; a peer's Node process and its Redis), an edge, or this JVM.
 *
 * <p>Known only if the same processes ran from start to end (a restarted edge is a new process,
 * whose time before the restart is lost) and the OS tells each one's CPU time.
 */
final class ProcessCpu {

    private final Supplier<List<ProcessHandle>> processes;
    private final Map<Long, Duration> before;

    private ProcessCpu(Supplier<List<ProcessHandle>> processes) {
        this.processes = processes;
        this.before = read(processes.get());
    }

    /** Starts measuring the processes {@code processes} names; it is asked again at {@link #stop}. */
    static ProcessCpu start(Supplier<List<ProcessHandle>> processes) {
        return new ProcessCpu(processes);
    }

    /** Starts measuring {@code target}'s server processes. */
    static ProcessCpu start(ScenarioTarget target) {
        return start(target::processes);
    }

    /** The CPU time since {@link #start}, or {@code null} if it is not known. */
    Duration stop() {
        Map<Long, Duration> after = read(processes.get());
        if (before.isEmpty() || !after.keySet().equals(before.keySet())) {
            return null;
        }
        Duration used = Duration.ZERO;
        for (Map.Entry<Long, Duration> e : after.entrySet()) {
            used = used.plus(e.getValue().minus(before.get(e.getKey())));
        }
        return used;
    }

    /** Each process's CPU time so far, by pid; empty if one of them has ended or does not tell. */
    private static Map<Long, Duration> read(List<ProcessHandle> processes) {
        Map<Long, Duration> cpu = new HashMap<>();
        for (ProcessHandle p : processes) {
            Optional<Duration> used = p.isAlive() ? p.info().totalCpuDuration() : Optional.empty();
            if (used.isEmpty()) {
                return Map.of();
            }
            cpu.put(p.pid(), used.get());
        }
        return cpu;
    }
}
