package dev.herald.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link DeliveryLedger} judged, at one moment. Immutable; the lists are in a stable order
 * (by subscriber or connection, channel, then offset or arrival).
 *
 * @param acknowledged  publishes ingest acknowledged (durable, with a partition and offset)
 * @param failed        publishes ingest answered with an error: not in the log
 * @param unknown       publishes with no answer (a timeout, a dropped connection): maybe in the log
 * @param receipts      events received, over every connection
 * @param lost          acknowledged events a subscriber was owed and no connection of it received
 * @param duplicates    per connection, the events it received more than once
 * @param redeliveries  receipts of an event an earlier connection of the same subscriber had
 *                      already received: at-least-once across a reconnect, not a fault
 * @param outOfOrder    receipts that came after a receipt of a higher offset on the same connection
 *                      and channel
 * @param recoveries    per fault mark, in marking order, the time to recover from it
 */
public record DeliveryReport(long acknowledged, long failed, long unknown, long receipts, List<Lost> lost,
                             Map<String, List<Duplicate>> duplicates, long redeliveries, List<OutOfOrder> outOfOrder,
                             List<Recovery> recoveries) {

    /** How many examples of each kind {@link #toString()} shows. */
    static final int EXAMPLES = 10;

    public DeliveryReport {
        lost = List.copyOf(lost);
        duplicates = Map.copyOf(duplicates);
        outOfOrder = List.copyOf(outOfOrder);
        recoveries = List.copyOf(recoveries);
    }

    /** An acknowledged event that {@code subscriber} was owed on {@code channel} and never received. */
    public record Lost(String subscriber, String channel, String eventId, int partition, long offset) {
    }

    /** Event {@code eventId} of {@code channel} arrived {@code times} times (2 or more) on one connection. */
    public record Duplicate(String channel, String eventId, int times) {
    }

    /** On {@code connection}, {@code eventId} at {@code offset} arrived after an event at {@code afterOffset}. */
    public record OutOfOrder(String connection, String channel, String eventId, long offset, long afterOffset) {
    }

    /**
     * Recovery from the fault marked {@code fault}: {@code time} from the mark to the moment every
     * subscriber had every event it was owed that was acknowledged before the mark, and a publish
     * made after the mark had been acknowledged, empty when either has not happened yet;
     * {@code deliveryResumed} from the mark to the moment every subscription owed an event
     * acknowledged after the mark had received its first such event, empty until then.
     */
    public record Recovery(String fault, Optional<Duration> time, Optional<Duration> deliveryResumed) {

        public boolean recovered() {
            return time.isPresent();
        }
    }

    /** Duplicate receipts in all, over every connection (a receipt seen 3 times counts 2). */
    public long duplicateCount() {
        return duplicates.values().stream().flatMap(List::stream).mapToLong(d -> d.times() - 1L).sum();
    }

    /** The recovery from {@code fault}; fails when no fault of that name was marked. */
    public Recovery recovery(String fault) {
        return recoveries.stream().filter(r -> r.fault().equals(fault)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fault marked '" + fault + "'; marked: "
                        + recoveries.stream().map(Recovery::fault).toList()));
    }

    /** True when nothing acknowledged was lost, no connection saw a duplicate and nothing came out of order. */
    public boolean clean() {
        return lost.isEmpty() && duplicates.isEmpty() && outOfOrder.isEmpty();
    }

    /** A summary for an assertion message: the counts and up to ten examples of each fault. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append("acknowledged ").append(acknowledged).append(", failed ").append(failed)
                .append(", unknown ").append(unknown).append(", receipts ").append(receipts).append(", redeliveries ")
                .append(redeliveries).append("; lost ").append(lost.size()).append(", duplicates ").append(duplicateCount())
                .append(", out of order ").append(outOfOrder.size());
        examples(s, "lost", lost);
        examples(s, "duplicates", duplicates.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        examples(s, "out of order", outOfOrder);
        for (Recovery r : recoveries) {
            s.append("\n  fault '").append(r.fault()).append("': ")
                    .append(r.time().map(t -> "recovered in " + t.toMillis() + " ms").orElse("not recovered"))
                    .append(r.deliveryResumed().map(t -> ", deliveries resumed in " + t.toMillis() + " ms")
                            .orElse(", deliveries not resumed"));
        }
        return s.toString();
    }

    private static void examples(StringBuilder s, String what, List<?> items) {
        if (!items.isEmpty()) {
            s.append("\n  ").append(what).append(": ").append(items.subList(0, Math.min(EXAMPLES, items.size())));
            if (items.size() > EXAMPLES) {
                s.append(" and ").append(items.size() - EXAMPLES).append(" more");
            }
        }
    }
}
