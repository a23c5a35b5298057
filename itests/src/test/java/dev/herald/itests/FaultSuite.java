package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.FaultTraffic;

/**
 * What every fault suite does around its fault: the invariants judged by the ledger (0 acknowledged
 * events lost, 0 duplicates on any connection, per-channel order kept, recovered), the result
 * written for {@code docs/reliability.md}, and the report printed.
 */
final class FaultSuite {

    /** How long subscribers get to catch up once publishing stopped. */
    static final Duration DRAIN = Duration.ofSeconds(90);

    private FaultSuite() {
    }

    /** Lets the traffic run for {@code duration}. */
    static void run(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }

    /**
     * Stops publishing, waits for the subscribers to catch up, writes the result and asserts the
     * invariants.
     *
     * @param faultStartNanos when the fault began ({@link System#nanoTime()}), for the publish p99 during it
     */
    static DeliveryReport judge(FaultTraffic traffic, int order, String fault, String title, String what, long faultStartNanos)
            throws Exception {
        traffic.stopPublishing();
        DeliveryReport report = traffic.awaitDelivered(DRAIN);
        DeliveryReport.Recovery recovery = report.recovery(fault);
        // recovered: the backlog from before the fault delivered, and every channel flowing to every subscriber again
        Optional<Duration> recovered = recovery.time().isPresent() && recovery.deliveryResumed().isPresent()
                ? Optional.of(Collections.max(List.of(recovery.time().get(), recovery.deliveryResumed().get())))
                : Optional.empty();
        double p99 = traffic.publishP99Ms(faultStartNanos);
        Path file = FaultRecord.write(order, fault, title, what, report, traffic.subscribers().size(), recovered,
                "until every subscriber had every event acknowledged before the fault and received new events on every channel again",
                p99);
        System.out.printf("%s: %s%n  publish p99 from the fault on %.1f ms; abandoned publishes %d; result in %s%n", fault, report, p99,
                traffic.abandoned(), file);
        assertThat(report.lost()).as("acknowledged events lost").isEmpty();
        assertThat(report.duplicates()).as("duplicates per connection").isEmpty();
        assertThat(report.outOfOrder()).as("per-channel order violations").isEmpty();
        assertThat(recovered).as("recovered from " + fault + ": " + report).isPresent();
        assertThat(report.acknowledged()).as("events acknowledged").isPositive();
        assertThat(traffic.abandoned()).as("publishes never acknowledged after retrying for 2 minutes").isZero();
        return report;
    }
}
