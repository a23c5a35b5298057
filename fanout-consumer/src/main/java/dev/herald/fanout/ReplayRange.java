package dev.herald.fanout;

/**
 * The offsets {@code [fromOffset, toOffset)} of one partition of the log, to be read again by a
 * replay: from a target offset up to where the edge had consumed.
 *
 * @param partition  the partition
 * @param fromOffset the first offset to read
 * @param toOffset   the offset after the last one to read; equal to {@code fromOffset} for an empty range
 */
public record ReplayRange(int partition, long fromOffset, long toOffset) {

    public ReplayRange {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        if (fromOffset < 0 || toOffset < fromOffset) {
            throw new IllegalArgumentException("partition " + partition + ": the range must have 0 <= from <= to, was [" + fromOffset + ", "
                    + toOffset + ")");
        }
    }

    /** Offsets in the range (records, in a log without transaction markers). */
    public long offsets() {
        return toOffset - fromOffset;
    }

    /** {@code P:[from, to)}, for logs and messages. */
    @Override
    public String toString() {
        return partition + ":[" + fromOffset + "," + toOffset + ")";
    }
}
