package dev.herald.schemas;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of one log: its Kafka topic id and partition count. A position is only meaningful
 * within the epoch it was made in: a topic deleted and re-created, or re-partitioned (which moves
 * channels between partitions), is a new epoch.
 *
 * @param topicId        the topic's id as Kafka assigns it (128 bits)
 * @param partitionCount the topic's number of partitions, 1 to {@value #MAX_PARTITIONS}
 */
public record Epoch(UUID topicId, int partitionCount) {

    /** The most partitions an epoch may have. */
    public static final int MAX_PARTITIONS = 65_535;

    public Epoch {
        Objects.requireNonNull(topicId, "topicId");
        if (partitionCount < 1 || partitionCount > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitionCount must be 1.." + MAX_PARTITIONS + ", was " + partitionCount);
        }
    }
}
