package dev.herald.cli;

import java.util.List;
import java.util.Objects;

/**
 * How far one edge is behind the log, as its consumer group's committed offsets say.
 *
 * @param edgeId     the edge's id
 * @param groupId    its consumer group, {@code herald-edge-<edgeId>}
 * @param state      the group's state as Kafka names it ({@code Stable}, {@code Empty}, ...): an edge
 *                   that is up is a member, so {@code Empty} means no edge runs under this id. An
 *                   edge is a static member (its group id is its instance id, so that a restart
 *                   takes its partitions back at once), which stopping does not remove: a stopped
 *                   edge still counts until its session times out ({@code session.timeout.ms},
 *                   45 s by default)
 * @param members    the group's active members (1 for a running edge)
 * @param partitions every partition of the log, in order
 */
record EdgeLag(String edgeId, String groupId, String state, int members, List<PartitionLag> partitions) {

    /** The prefix of every edge's consumer group; the rest is the edge id. */
    static final String GROUP_PREFIX = "herald-edge-";

    EdgeLag {
        Objects.requireNonNull(edgeId, "edgeId");
        partitions = List.copyOf(partitions);
    }

    /** The events in the log that the edge has not committed, over the partitions whose lag is known. */
    long lag() {
        return partitions.stream().mapToLong(p -> p.lag() == null ? 0 : p.lag()).sum();
    }

    /** The age of the oldest event the edge has not committed, over all partitions, in ms; 0 when caught up. */
    long lagMs() {
        return partitions.stream().mapToLong(p -> p.lagMs() == null ? 0 : p.lagMs()).max().orElse(0);
    }

    /**
     * One partition of the log, as one edge stands in it.
     *
     * @param partition the partition
     * @param committed the group's committed offset (the next record it will read), or {@code null}
     *                  if it has committed none for this partition
     * @param logEnd    the partition's end offset (the offset the next record will get)
     * @param lag       {@code logEnd - committed}: the records not yet consumed, or {@code null} when
     *                  nothing is committed
     * @param lagMs     the age of the first record not yet consumed (now minus its timestamp, 0
     *                  when caught up or if its timestamp is in the future), or {@code null} when
     *                  nothing is committed
     */
    record PartitionLag(int partition, Long committed, long logEnd, Long lag, Long lagMs) {
    }
}
