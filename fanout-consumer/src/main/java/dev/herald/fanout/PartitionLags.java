package dev.herald.fanout;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How far behind the log each assigned partition is, in records and in time:
 * {@code herald_edge_consumer_lag_records{partition}} and {@code herald_edge_consumer_lag_seconds{partition}}.
 *
 * <pre>
 * The lag in time is the age of the oldest record not yet handed off, as well as the edge can
 * know it without reading that record: the records waiting were all written after the later of
 *  - the newest record of the partition the edge has consumed (its timestamp), and
 *  - the last moment the edge saw the partition caught up (lag 0: everything written before was read),
 * so the age is at most "now - that moment", which is what is shown: an upper bound, tight while
 * records flow (a backlog being read shows the age of the records being read) and never stuck on an
 * old record after a quiet spell (being caught up moves the moment on). 0 when caught up; -1 while
 * unknown (not assigned, or nothing fetched yet since the assignment).
 * </pre>
 *
 * Written by the poll thread only; read by the meters from any thread.
 */
final class PartitionLags {

    private final Clock clock;
    /** Records of each partition in the log and not yet handed off, as of the last poll. */
    private final Map<Integer, Long> records = new ConcurrentHashMap<>();
    /** Per partition, in epoch milliseconds: every record waiting was written after this. */
    private final Map<Integer, Long> waitingSinceMs = new ConcurrentHashMap<>();

    PartitionLags(MeterRegistry registry, int partitionCount, Clock clock) {
        this.clock = clock;
        for (int p = 0; p < partitionCount; p++) {
            int partition = p;
            String tag = Integer.toString(p);
            Gauge.builder("herald.edge.consumer.lag", this, l -> l.records(partition)).tag("partition", tag).baseUnit("records")
                    .description("Records of the partition in the log and not yet handed to the connections, as of the last poll; "
                            + "-1 while unknown (not assigned, or nothing fetched yet)")
                    .register(registry);
            Gauge.builder("herald.edge.consumer.lag.seconds", this, l -> l.seconds(partition)).tag("partition", tag).baseUnit("seconds")
                    .description("Age of the oldest record of the partition not yet handed to the connections, at most: the time since "
                            + "the later of the newest record consumed and the last moment the partition was caught up; "
                            + "0 when caught up, -1 while unknown")
                    .register(registry);
        }
    }

    /** The partition's lag as of the last poll, in records. */
    void records(int partition, long lag) {
        records.put(partition, lag);
        if (lag == 0) {
            waitingSinceMs.put(partition, clock.millis());
        }
    }

    /** A record of the partition written at {@code timestampMs} was consumed. */
    void consumed(int partition, long timestampMs) {
        waitingSinceMs.merge(partition, timestampMs, Math::max);
    }

    /** The partition is no longer assigned: its lag is unknown. */
    void forget(int partition) {
        records.remove(partition);
        waitingSinceMs.remove(partition);
    }

    /** Records behind, or -1 when unknown. */
    long records(int partition) {
        return records.getOrDefault(partition, -1L);
    }

    /** Seconds behind at most (see above), 0 when caught up, or -1 when unknown. */
    double seconds(int partition) {
        Long lag = records.get(partition);
        if (lag == null || lag < 0) {
            return -1;
        }
        if (lag == 0) {
            return 0;
        }
        Long since = waitingSinceMs.get(partition);
        return since == null ? -1 : Math.max(0, clock.millis() - since) / 1000.0;
    }
}
