package dev.herald.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.herald.fanout.ReplayRange;

/**
 * What {@code herald replay} would read again, per partition: from the target offset (or the log
 * start, when the target is before it and {@code --from-log-start} allows that) to the edge's
 * committed offset, with the records and channels in between. A dry run prints it; {@code --export}
 * writes it as CSV; {@code --execute} replays it.
 *
 * @param edgeId     the edge
 * @param group      its consumer group
 * @param topic      the log topic
 * @param mode       history or redeliver
 * @param channel    the one channel replayed, or {@code null}
 * @param target     how the target was given, for the header line
 * @param partitions one row per partition, in partition order
 */
record ReplayPlan(String edgeId, String group, String topic, String mode, String channel, String target, List<PartitionPlan> partitions) {

    /**
     * One partition of the plan.
     *
     * @param partition      the partition
     * @param target         the offset the target resolved to
     * @param from           the first offset to replay: the target, or the log start if the target is before it and clamping was asked for
     * @param to             the edge's committed offset: what it has consumed
     * @param logStart       the partition's log start offset now
     * @param records        records in {@code [from, to)} (of the channel, if one was given); with {@code beforeLogStart} and no
     *                       clamping, of what the log still holds from the log start
     * @param channels       distinct channels (record keys) among them
     * @param counted        whether {@code records} and {@code channels} come from reading every record of the range (else
     *                       the scan was cut short: {@code records} is the offsets, {@code channels} a lower bound)
     * @param timeBeforeLog  for a time target: the time is before the oldest record left, and records were deleted (the log
     *                       start is past 0), so records at or after the time may be gone; Kafka resolves such a time to the log
     *                       start, so {@code target} alone cannot show it, and how many are gone is unknown
     */
    record PartitionPlan(int partition, long target, long from, long to, long logStart, long records, long channels, boolean counted,
                         boolean timeBeforeLog) {

        /** Whether the target lies before the log start: retention deleted records the replay would want. */
        boolean beforeLogStart() {
            return (target < logStart || timeBeforeLog) && target < to;
        }

        /** Whether replaying this partition would start before the log start, unless told to start at the log start. */
        boolean wouldMissRecords(boolean fromLogStart) {
            return beforeLogStart() && (from < logStart || (timeBeforeLog && !fromLogStart));
        }

        /** The records before the log start that the target asks for and the log no longer has; -1 when unknown (a time target). */
        long gone() {
            if (!beforeLogStart()) {
                return 0;
            }
            return target < logStart ? Math.min(logStart, to) - target : -1;
        }

        ReplayRange range() {
            return new ReplayRange(partition, from, Math.max(from, to));
        }
    }

    long records() {
        return partitions.stream().mapToLong(PartitionPlan::records).sum();
    }

    long channels() {
        return partitions.stream().mapToLong(PartitionPlan::channels).sum();
    }

    boolean counted() {
        return partitions.stream().allMatch(PartitionPlan::counted);
    }

    /** The partitions whose target is before their log start. */
    List<PartitionPlan> beforeLogStart() {
        return partitions.stream().filter(PartitionPlan::beforeLogStart).toList();
    }

    List<ReplayRange> ranges() {
        return partitions.stream().map(PartitionPlan::range).toList();
    }

    /** The plan as a table, for a terminal. */
    void print(PrintWriter out) {
        out.printf(Locale.ROOT, "Replay plan: edge %s (group %s), log %s, mode %s, %s, target %s%n", edgeId, group, topic, mode,
                channel == null ? "every channel" : "channel " + channel, target);
        out.printf(Locale.ROOT, "%9s %12s %12s %10s %9s %12s  %s%n", "partition", "from", "to", "records", "channels", "log start", "note");
        for (PartitionPlan p : partitions) {
            String note = !p.beforeLogStart() ? ""
                    : p.gone() < 0 ? "the time is before the oldest record left: records after it may be gone (retention)"
                    : String.format(Locale.ROOT, "target %,d is before the log start: %,d records gone (retention)%s", p.target(), p.gone(),
                    p.from() == p.target() ? "" : ", replay starts at the log start");
            out.printf(Locale.ROOT, "%9d %12d %12d %10s %9s %12d  %s%n", p.partition(), p.from(), p.to(), count(p.records(), p.counted()),
                    (p.counted() ? "" : ">=") + String.format(Locale.ROOT, "%,d", p.channels()), p.logStart(), note);
        }
        out.printf(Locale.ROOT, "%9s %12s %12s %10s %9s%n", "total", "", "", count(records(), counted()),
                (counted() ? "" : ">=") + String.format(Locale.ROOT, "%,d", channels()));
        if (!counted()) {
            out.println("(~: offsets, not counted records; >=: channels seen before the scan stopped at --scan-max records)");
        }
        out.flush();
    }

    private static String count(long n, boolean exact) {
        return (exact ? "" : "~") + String.format(Locale.ROOT, "%,d", n);
    }

    /** Writes the plan as CSV: a header row, then one row per partition. */
    void export(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("edge,topic,mode,channel,partition,target_offset,from_offset,to_offset,log_start_offset,before_log_start,records,"
                    + "channels,counted\n");
            for (PartitionPlan p : partitions) {
                w.write(String.join(",", edgeId, topic, mode, channel == null ? "" : channel, Integer.toString(p.partition()),
                        Long.toString(p.target()), Long.toString(p.from()), Long.toString(p.to()), Long.toString(p.logStart()),
                        Boolean.toString(p.beforeLogStart()), Long.toString(p.records()), Long.toString(p.channels()),
                        Boolean.toString(p.counted())));
                w.write('\n');
            }
        }
    }
}
