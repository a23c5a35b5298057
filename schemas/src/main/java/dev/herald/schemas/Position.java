package dev.herald.schemas;

import java.util.Objects;

/**
 * A point in one channel's stream: the record at {@code offset} of {@code partition} of the log
 * identified by {@code epoch}. Resuming from a position delivers the events after it.
 *
 * <p>Clients see positions only as the opaque strings of {@link PositionCodec}.
 *
 * @param epoch     the log the position belongs to
 * @param partition the partition, {@code 0 <= partition < epoch.partitionCount()}
 * @param offset    the record's offset in that partition, {@code >= -1}; -1 means "before the
 *                  first record"
 */
public record Position(Epoch epoch, int partition, long offset) {

    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (partition < 0 || partition >= epoch.partitionCount()) {
            throw new IllegalArgumentException("partition must be 0.." + (epoch.partitionCount() - 1) + ", was " + partition);
        }
        if (offset < -1) {
            throw new IllegalArgumentException("offset must be >= -1, was " + offset);
        }
    }
}
