package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.FaultTraffic;

/**
 * What every fault suite does around its fault: the invariants judged by the ledger (0 acknowledged
 * events lost, 0 duplicates on any connection, per-channel order kept, no resume answered
 * {@code recovered:false}, every publish acknowledged in the end, recovered), the suite's own checks,
 * and the result written for {@code docs/reliability.md}, its {@code passed} being whether all of it
 * held.
 *
 * <p>The time to recover is measured from marks the suite sets in the ledger at the moments that
 * matter for its fault (a kill for a failover; a restart, an unpause or a freed disk for a
 * catch-up), to when every subscriber had every event acknowledged before the mark and was
 * receiving new events on every channel again: the later of the ledger's two figures. With several
 * marks (a rolling restart), the longest.
 */
final class FaultSuite {

    /** How long subscribers get to catch up once publishing stopped. */
    static final Duration DRAIN = Duration.ofSeconds(90);

    /** A check of the suite's own, run after the common ones and before the result is written. */
    @FunctionalInterface
    interface Check {
        void run(DeliveryReport report) throws Exception;
    }

    /**
     * The fault as the report names it.
     *
     * @param order the number for it
     * @param id    a short id, the file name of its result
     * @param title a few words
     */
    record Fault(int order, String id, String title) {
    }

    private FaultSuite() {
    }

    /** Forgets the fault's earlier result, so that a run that fails before it is judged leaves none behind. */
    static void begin(Fault fault) throws IOException {
        FaultRecord.delete(fault.id());
    }

    /** Lets the traffic run for {@code duration}. */
    static void run(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }

    /**
     * Stops publishing, waits for the subscribers to catch up, checks the invariants and
     * {@code check}, and writes the result.
     *
     * @param recoveryMarks   the ledger marks the time to recover is measured from
     * @param recoveryWhat    what that time is, in the report's words
     * @param what            what the suite did
     * @param faultStartNanos when the fault began ({@link System#nanoTime()}), for the publish p99 from then on
     */
    static DeliveryReport judge(FaultTraffic traffic, Fault fault, List<String> recoveryMarks, String recoveryWhat, String what,
                                long faultStartNanos, Check check) throws Exception {
        traffic.stopPublishing();
        DeliveryReport report = traffic.awaitDelivered(DRAIN);
        return judge(traffic, report, fault, recovered(report, recoveryMarks), recoveryWhat, what, faultStartNanos, check);
    }

    /** As the other {@code judge}, with a time to recover the suite measured itself ({@code recovery}, empty: none). */
    static DeliveryReport judge(FaultTraffic traffic, Fault fault, Optional<Duration> recovery, String recoveryWhat, String what,
                                long faultStartNanos, Check check) throws Exception {
        traffic.stopPublishing();
        DeliveryReport report = traffic.awaitDelivered(DRAIN);
        return judge(traffic, report, fault, recovery, recoveryWhat, what, faultStartNanos, check);
    }

    private static DeliveryReport judge(FaultTraffic traffic, DeliveryReport report, Fault fault, Optional<Duration> recovery,
                                        String recoveryWhat, String what, long faultStartNanos, Check check) throws Exception {
        double p99 = traffic.publishP99Ms(faultStartNanos);
        System.out.printf("%s: %s%n  time to recover %s; publish p99 from the fault on %.1f ms; abandoned publishes %d; "
                        + "recovered:false answers %d%n", fault.id(), report, recovery.map(Duration::toString).orElse("none"), p99,
                traffic.abandoned(), traffic.notRecovered());
        boolean passed = false;
        try {
            assertThat(traffic.ledger().overflowed()).as("the ledger ran out of room: the run is incomplete").isFalse();
            assertThat(report.lost()).as("acknowledged events lost").isEmpty();
            assertThat(report.duplicates()).as("duplicates per connection").isEmpty();
            assertThat(report.outOfOrder()).as("per-channel order violations").isEmpty();
            assertThat(traffic.notRecovered()).as("resumes answered recovered:false").isZero();
            assertThat(traffic.abandoned()).as("publishes never acknowledged after retrying for 2 minutes").isZero();
            assertThat(report.acknowledged()).as("events acknowledged").isPositive();
            assertThat(recovery).as("recovered from " + fault.id() + ": " + report).isPresent();
            check.run(report);
            passed = true;
            return report;
        } finally {
            Path file = FaultRecord.write(fault, what, report, traffic.subscribers().size(), recovery, recoveryWhat, p99, passed);
            System.out.println("  result in " + file);
        }
    }

    /** The longest time to recover over {@code marks}; empty when any of them was not recovered from. */
    private static Optional<Duration> recovered(DeliveryReport report, List<String> marks) {
        List<Duration> times = new ArrayList<>();
        for (String mark : marks) {
            DeliveryReport.Recovery r = report.recovery(mark);
            if (r.time().isEmpty() || r.deliveryResumed().isEmpty()) {
                return Optional.empty();
            }
            times.add(Collections.max(List.of(r.time().get(), r.deliveryResumed().get())));
        }
        return Optional.of(Collections.max(times));
    }
}
