package dev.herald.bench;

import java.time.Duration;

/**
 * The CPU time a fanout run took, per delivery, and what that means for one event: how long its
 * fan-out must last at the least.
 *
 * <p>One event to {@code subscribers} connections is that many socket writes on the edge and as
 * many reads in the client, each a system call. If every CPU did nothing else, the last receipt
 * of an event would still come about {@link #fanOutFloorMs} after the first: the CPU time of those
 * deliveries spread over all the machine's CPUs. (A little less: the benchmark JVM's time includes
 * work done once per event, by the broker, ingest and the publishers, which is small beside a
 * large fan-out.) The high percentiles of the receipts cannot beat the pipeline's own latency
 * plus most of that.
 *
 * @param edge        CPU time (user and system) of the edge's JVM during the run
 * @param benchmark   CPU time of the benchmark's JVM (subscribers' client, publishers, ingest and,
 *                    when embedded, the broker) during the run
 * @param deliveries  receipts counted in the run
 * @param subscribers connections each event went to
 * @param cpus        CPUs of the machine
 */
record FanoutCpu(Duration edge, Duration benchmark, long deliveries, int subscribers, int cpus) {

    /** Reads the CPU time so far of the edge's process and of this JVM; {@link #since} gives the run's. */
    record Reading(Duration edge, Duration benchmark) {

        static Reading now(ProcessHandle edgeProcess) {
            return new Reading(cpu(edgeProcess), cpu(ProcessHandle.current()));
        }

        /** The CPU time from this reading to now, over {@code deliveries} deliveries to {@code subscribers} each. */
        FanoutCpu since(ProcessHandle edgeProcess, long deliveries, int subscribers) {
            Reading now = now(edgeProcess);
            return new FanoutCpu(now.edge.minus(edge), now.benchmark.minus(benchmark), deliveries, subscribers,
                    Runtime.getRuntime().availableProcessors());
        }

        private static Duration cpu(ProcessHandle process) {
            return process.info().totalCpuDuration().orElse(Duration.ZERO);
        }
    }

    /** Whether both processes' CPU times were known (the OS may not tell). */
    boolean known() {
        return deliveries > 0 && !edge.isZero() && !benchmark.isZero();
    }

    /** The edge's CPU time per delivery, microseconds. */
    double edgeMicrosPerDelivery() {
        return edge.toNanos() / 1_000.0 / deliveries;
    }

    /** The benchmark JVM's CPU time per delivery, microseconds. */
    double benchmarkMicrosPerDelivery() {
        return benchmark.toNanos() / 1_000.0 / deliveries;
    }

    /** Both, microseconds. */
    double microsPerDelivery() {
        return edgeMicrosPerDelivery() + benchmarkMicrosPerDelivery();
    }

    /** About the shortest one event's fan-out can take: its deliveries' CPU time over all the CPUs, ms. */
    double fanOutFloorMs() {
        return microsPerDelivery() * subscribers / cpus / 1_000.0;
    }
}
