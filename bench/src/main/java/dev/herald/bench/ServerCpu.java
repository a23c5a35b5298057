package dev.herald.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CPU time a target's server processes (Herald's edges; a peer's Node process and its Redis)
 * use over a measurement. Herald's ingest and the broker run in the benchmark's JVM and are not
 * counted: at the scenarios' event rates they are a small part of the work, which is the fan-out.
 *
 * <p>Known only if the same processes ran from start to end (a restarted edge is a new process,
 * whose time before the restart is lost) and the OS tells each one's CPU time.
 */
final class ServerCpu {

    private final ScenarioTarget target;
    private final Map<Long, Duration> before;

    private ServerCpu(ScenarioTarget target, Map<Long, Duration> before) {
        this.target = target;
        this.before = before;
    }

    /** Starts measuring {@code target}'s processes. */
    static ServerCpu start(ScenarioTarget target) {
        return new ServerCpu(target, read(target.processes()));
    }

    /** The CPU time since {@link #start}, or {@code null} if it is not known. */
    Duration stop() {
        Map<Long, Duration> after = read(target.processes());
        if (before.isEmpty() || !after.keySet().equals(before.keySet())) {
            return null;
        }
        Duration used = Duration.ZERO;
        for (Map.Entry<Long, Duration> e : after.entrySet()) {
            used = used.plus(e.getValue().minus(before.get(e.getKey())));
        }
        return used;
    }

    /** Each live process's CPU time so far, by pid; empty if one of them does not tell. */
    private static Map<Long, Duration> read(List<ProcessHandle> processes) {
        Map<Long, Duration> cpu = processes.stream().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().totalCpuDuration().isPresent())
                .collect(Collectors.toMap(ProcessHandle::pid, p -> p.info().totalCpuDuration().orElseThrow()));
        return cpu.size() == processes.size() ? cpu : Map.of();
    }
}
