package dev.herald.bench;

import java.time.Duration;
import java.util.List;

/**
 * The CPU time a fanout run took, per delivery, and what that means for one event: how long its
 * fan-out must last, about, at the least.
 *
 * <p>One event to {@code subscribers} connections is that many socket writes on the edge and as
 * many reads in the client, each a system call. If every CPU did nothing else, the last receipt
 * of an event would still come about {@link #fanOutFloorMs} after the first: the CPU time of those
 * deliveries spread over all the machine's CPUs. (A little less: the benchmark JVM's time includes
 * work done once per event, by the broker, ingest and the publishers, which is small beside a
 * large fan-out.) The high percentiles of the receipts cannot beat the pipeline's own latency
 * plus most of that.
 *
 * @param edge        CPU time (user and system) of the edge's JVM during the run; {@code null} if unknown
 * @param benchmark   CPU time of the benchmark's JVM (subscribers' client, publishers, ingest and,
 *                    when embedded, the broker) during the run; {@code null} if unknown
 * @param deliveries  receipts counted in the run
 * @param subscribers connections each event went to
 * @param cpus        CPUs of the machine
 */
record FanoutCpu(Duration edge, Duration benchmark, long deliveries, int subscribers, int cpus) {

    /** A measurement under way: the edge's process and this JVM; {@link #stop} gives the run's CPU time. */
    record Meter(ProcessCpu edge, ProcessCpu benchmark) {

        static Meter start(ProcessHandle edgeProcess) {
            return new Meter(ProcessCpu.start(() -> List.of(edgeProcess)),
                    ProcessCpu.start(() -> List.of(ProcessHandle.current())));
        }

        /** The CPU time since {@link #start}, over {@code deliveries} deliveries to {@code subscribers} each. */
        FanoutCpu stop(long deliveries, int subscribers) {
            return new FanoutCpu(edge.stop(), benchmark.stop(), deliveries, subscribers,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * About how long one event's fan-out lasts at the least, ms: {@code microsPerDelivery} of CPU
     * for each of {@code subscribers}, spread over {@code cpus}.
     */
    static double fanOutFloorMs(double microsPerDelivery, int subscribers, int cpus) {
        return microsPerDelivery * subscribers / cpus / 1_000.0;
    }

    /** Whether both processes' CPU times were known (the OS may not tell). */
    boolean known() {
        return deliveries > 0 && edge != null && benchmark != null;
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
        return fanOutFloorMs(microsPerDelivery(), subscribers, cpus);
    }
}
