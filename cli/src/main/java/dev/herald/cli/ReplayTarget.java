package dev.herald.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.OffsetSpec;

/**
 * Where {@code herald replay} goes back to, per partition: one of {@code --to-offset P:O[,P:O...]}
 * (those partitions only), {@code --to-datetime T} (the first offset at or after T, Kafka's
 * {@code offsetsForTimes}), {@code --by-duration D} (the same for now minus D) and
 * {@code --shift-by -N} (the committed offset minus N). A time after the last record resolves to
 * the log end, so its range is empty.
 */
final class ReplayTarget {

    private final String described;
    private final Map<Integer, Long> offsets;
    private final Long timestampMs;
    private final Long shift;

    private ReplayTarget(String described, Map<Integer, Long> offsets, Long timestampMs, Long shift) {
        this.described = described;
        this.offsets = offsets;
        this.timestampMs = timestampMs;
        this.shift = shift;
    }

    /**
     * The target from the one option given.
     *
     * @throws IllegalStateException naming the option and what is wrong with its value
     */
    static ReplayTarget of(String toOffset, String toDatetime, String byDuration, Long shiftBy, Clock clock) {
        if (toOffset != null) {
            Map<Integer, Long> offsets = new LinkedHashMap<>();
            for (String pair : toOffset.split(",")) {
                String[] po = pair.trim().split(":");
                try {
                    if (po.length != 2) {
                        throw new NumberFormatException();
                    }
                    int p = Integer.parseInt(po[0].trim());
                    long o = Long.parseLong(po[1].trim());
                    if (p < 0 || o < 0 || offsets.put(p, o) != null) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("--to-offset '" + toOffset + "': give PARTITION:OFFSET[,PARTITION:OFFSET...], each "
                            + "partition once, numbers >= 0 (e.g. 0:1200,3:88)");
                }
            }
            return new ReplayTarget("--to-offset " + toOffset, offsets, null, null);
        }
        if (toDatetime != null) {
            Instant at;
            try {
                at = toDatetime.endsWith("Z") ? Instant.parse(toDatetime) : OffsetDateTime.parse(toDatetime).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("--to-datetime '" + toDatetime + "' is not an ISO-8601 time with a zone, e.g. "
                        + "2026-12-01T10:00:00Z or 2026-12-01T11:00:00+01:00");
            }
            return new ReplayTarget("--to-datetime " + at, null, at.toEpochMilli(), null);
        }
        if (byDuration != null) {
            Duration d;
            try {
                d = Duration.parse(byDuration);
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("--by-duration '" + byDuration + "' is not an ISO-8601 duration, e.g. PT15M, PT2H or P1DT2H");
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalStateException("--by-duration '" + byDuration + "' must be longer than zero: how far back to go");
            }
            Instant at = clock.instant().minus(d);
            return new ReplayTarget("--by-duration " + byDuration + " (" + at + ")", null, at.toEpochMilli(), null);
        }
        if (shiftBy != null) {
            if (shiftBy > 0) {
                throw new IllegalStateException("--shift-by " + shiftBy + " would move forward: give a negative number of offsets to go "
                        + "back, e.g. --shift-by -1000");
            }
            return new ReplayTarget("--shift-by " + shiftBy, null, null, shiftBy);
        }
        throw new IllegalStateException("name a target: --to-offset P:O, --to-datetime T, --by-duration D or --shift-by -N");
    }

    /** How the target was given, for the plan's header. */
    String describe() {
        return described;
    }

    /**
     * The partitions of {@code chosen} this target covers: with {@code --to-offset}, those it names,
     * which must be among {@code chosen}.
     */
    List<Integer> restrict(List<Integer> chosen, int partitionCount) {
        if (offsets == null) {
            return chosen;
        }
        List<Integer> out = new ArrayList<>();
        for (int p : offsets.keySet()) {
            if (p >= partitionCount) {
                throw new IllegalStateException("--to-offset names partition " + p + ", but the log has partitions 0 to " + (partitionCount - 1));
            }
            if (!chosen.contains(p)) {
                throw new IllegalStateException("--to-offset names partition " + p + ", which --channel or --partitions leaves out " + chosen);
            }
            out.add(p);
        }
        out.sort(null);
        return out;
    }

    /**
     * For a time target, the partitions where the time lies before the oldest record left while
     * retention has deleted records (log start past 0): Kafka resolves the time to the log start
     * there, and the deleted records may have been at or after the time. Empty for other targets.
     */
    Set<Integer> timeBeforeOldestRecord(ReplayPlanner planner, List<Integer> partitions, Map<Integer, Long> targets, Map<Integer, Long> starts) {
        if (timestampMs == null) {
            return Set.of();
        }
        List<Integer> atStart = partitions.stream().filter(p -> starts.get(p) > 0 && targets.get(p).equals(starts.get(p))).toList();
        if (atStart.isEmpty()) {
            return Set.of();
        }
        Map<Integer, Long> found = planner.timestamps(atStart, OffsetSpec.forTimestamp(timestampMs));
        Set<Integer> out = new HashSet<>();
        for (int p : atStart) {
            if (found.getOrDefault(p, -1L) > timestampMs) {
                out.add(p);
            }
        }
        return out;
    }

    /** The target offset of each partition, before clamping to the committed offset. */
    Map<Integer, Long> resolve(ReplayPlanner planner, List<Integer> partitions, Map<Integer, Long> committed) {
        Map<Integer, Long> out = new HashMap<>();
        if (offsets != null) {
            out.putAll(offsets);
        } else if (shift != null) {
            for (int p : partitions) {
                out.put(p, Math.max(0, committed.get(p) + shift));
            }
        } else {
            Map<Integer, Long> at = planner.offsets(partitions, OffsetSpec.forTimestamp(timestampMs));
            Map<Integer, Long> end = planner.offsets(partitions, OffsetSpec.latest());
            for (int p : partitions) {
                long o = at.getOrDefault(p, -1L);
                out.put(p, o < 0 ? end.get(p) : o);
            }
        }
        return out;
    }
}
