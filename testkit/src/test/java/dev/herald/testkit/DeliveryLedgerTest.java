package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.testkit.DeliveryLedger.PublishFailure;
import dev.herald.testkit.DeliveryReport.Duplicate;
import dev.herald.testkit.DeliveryReport.Lost;
import dev.herald.testkit.DeliveryReport.OutOfOrder;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final DeliveryLedger ledger = new DeliveryLedger(clock::get, 1_000);

    @Test
    void anEventEverySubscriberReceivedOnceIsNeitherLostNorDuplicated() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.subscribed("bob", "bob-1", "room", -1);
        ledger.acknowledged("room", "e0", 3, 0);
        ledger.acknowledged("room", "e1", 3, 1);
        for (String connection : List.of("alice-1", "bob-1")) {
            ledger.received(connection, "room", "e0", 0, false);
            ledger.received(connection, "room", "e1", 1, false);
        }

        DeliveryReport report = ledger.report();

        assertThat(report.clean()).as(report.toString()).isTrue();
        assertThat(report.acknowledged()).isEqualTo(2);
        assertThat(report.receipts()).isEqualTo(4);
        assertThat(report.redeliveries()).isZero();
    }

    @Test
    void anAcknowledgedEventOneSubscriberNeverReceivedIsLostForThatSubscriberOnly() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.subscribed("bob", "bob-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.received("alice-1", "room", "e1", 1, false);
        ledger.received("bob-1", "room", "e0", 0, false);

        assertThat(ledger.report().lost()).containsExactly(new Lost("bob", "room", "e1", 0, 1));
    }

    @Test
    void eventsAtOrBeforeTheSubscribersStartAreNotOwedToIt() {
        ledger.acknowledged("room", "e4", 0, 4);
        ledger.acknowledged("room", "e5", 0, 5);
        ledger.subscribed("late", "late-1", "room", 4); // live subscribe answered with the position of offset 4
        ledger.acknowledged("room", "e6", 0, 6);
        ledger.received("late-1", "room", "e5", 5, false);

        assertThat(ledger.report().lost()).containsExactly(new Lost("late", "room", "e6", 0, 6));
    }

    @Test
    void eventsOfOtherChannelsAreNotOwed() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("hall", "e0", 1, 0);

        assertThat(ledger.report().lost()).isEmpty();
    }

    @Test
    void aResumeDoesNotMoveTheStartSoEventsMissedBetweenConnectionsStayOwed() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.received("alice-1", "room", "e0", 0, false);
        // reconnects, but resumes from a position past e1 (a client bug): e1 is still owed
        ledger.subscribed("alice", "alice-2", "room", 1);

        assertThat(ledger.report().lost()).containsExactly(new Lost("alice", "room", "e1", 0, 1));
    }

    @Test
    void anEventReceivedOnAnyConnectionOfTheSubscriberCounts() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.subscribed("alice", "alice-2", "room", 0);
        ledger.received("alice-2", "room", "e1", 1, false);

        DeliveryReport report = ledger.report();

        assertThat(report.clean()).as(report.toString()).isTrue();
    }

    @Test
    void failedAndUnansweredPublishesAreCountedButNeverOwed() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.publishFailed("room", PublishFailure.FAILED);
        ledger.publishFailed("room", PublishFailure.UNKNOWN);
        ledger.publishFailed("room", PublishFailure.UNKNOWN);

        DeliveryReport report = ledger.report();

        assertThat(report.failed()).isOne();
        assertThat(report.unknown()).isEqualTo(2);
        assertThat(report.lost()).isEmpty();
    }

    @Test
    void eventsAcknowledgedAfterASubscriberLeftAreNotOwedToIt() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        tick(10);
        ledger.left("alice");
        tick(10);
        ledger.acknowledged("room", "e1", 0, 1);

        assertThat(ledger.report().lost()).containsExactly(new Lost("alice", "room", "e0", 0, 0));
    }

    @Test
    void theSameEventTwiceOnOneConnectionIsADuplicateOfThatConnection() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.received("alice-1", "room", "e0", 0, false);

        DeliveryReport report = ledger.report();

        assertThat(report.duplicates()).containsOnlyKeys("alice-1");
        assertThat(report.duplicates().get("alice-1")).containsExactly(new Duplicate("room", "e0", 3));
        assertThat(report.duplicateCount()).isEqualTo(2);
        assertThat(report.outOfOrder()).as("a repeat is not also out of order").isEmpty();
        assertThat(report.clean()).isFalse();
    }

    @Test
    void anEventAgainOnANewConnectionIsARedeliveryNotADuplicate() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.subscribed("alice", "alice-2", "room", -1);
        ledger.received("alice-2", "room", "e0", 0, false);

        DeliveryReport report = ledger.report();

        assertThat(report.duplicates()).isEmpty();
        assertThat(report.redeliveries()).isOne();
        assertThat(report.clean()).isTrue();
    }

    @Test
    void sameIdOnTwoChannelsIsTwoEvents() {
        ledger.subscribed("alice", "alice-1", "a", -1);
        ledger.subscribed("alice", "alice-1", "b", -1);
        ledger.acknowledged("a", "same", 0, 0);
        ledger.acknowledged("b", "same", 1, 0);
        ledger.received("alice-1", "a", "same", 0, false);
        ledger.received("alice-1", "b", "same", 0, false);

        DeliveryReport report = ledger.report();

        assertThat(report.clean()).as(report.toString()).isTrue();
    }

    @Test
    void replayedReceiptsAreNeitherDuplicatesNorOutOfOrderButStillDeliver() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.received("alice-1", "room", "e1", 1, false);
        ledger.received("alice-1", "room", "e0", 0, true);

        DeliveryReport report = ledger.report();

        assertThat(report.clean()).as(report.toString()).isTrue();
        assertThat(report.receipts()).isEqualTo(3);
    }

    @Test
    void aLowerOffsetAfterAHigherOneOnAConnectionIsAnOrderViolation() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        for (int n = 0; n < 3; n++) {
            ledger.acknowledged("room", "e" + n, 0, n);
        }
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.received("alice-1", "room", "e2", 2, false);
        ledger.received("alice-1", "room", "e1", 1, false);

        DeliveryReport report = ledger.report();

        assertThat(report.outOfOrder()).containsExactly(new OutOfOrder("alice-1", "room", "e1", 1, 2));
        assertThat(report.lost()).isEmpty();
    }

    @Test
    void orderIsJudgedPerConnectionAndPerChannel() {
        ledger.subscribed("alice", "alice-1", "a", -1);
        ledger.subscribed("alice", "alice-1", "b", -1);
        ledger.received("alice-1", "a", "a5", 5, false);
        ledger.received("alice-1", "b", "b1", 1, false); // another channel (partition) may have lower offsets
        ledger.subscribed("alice", "alice-2", "a", -1);
        ledger.received("alice-2", "a", "a3", 3, false); // a new connection starts its own order

        assertThat(ledger.report().outOfOrder()).isEmpty();
    }

    @Test
    void timeToRecoverRunsToTheLastOwedEventAcknowledgedBeforeTheFaultReachingEverySubscriber() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.subscribed("bob", "bob-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.mark("edge killed");
        tick(100);
        ledger.acknowledged("room", "e1", 0, 1); // the first publish after the fault, 100 ms in
        assertThat(ledger.report().recovery("edge killed").recovered()).as("bob still lacks e0").isFalse();
        tick(400);
        ledger.subscribed("bob", "bob-2", "room", -1);
        ledger.received("bob-2", "room", "e0", 0, false);

        DeliveryReport report = ledger.report();

        assertThat(report.recovery("edge killed").time()).contains(Duration.ofMillis(500));
        assertThat(report.lost()).as("e1 is owed too, but not to recover from the fault").hasSize(2);
    }

    @Test
    void timeToRecoverWaitsForAPublishAcknowledgedAfterTheFault() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.received("alice-1", "room", "e0", 0, false);
        ledger.mark("broker stopped");
        tick(50);
        ledger.publishFailed("room", PublishFailure.FAILED);
        assertThat(ledger.report().recovery("broker stopped").recovered()).isFalse();
        tick(250);
        ledger.acknowledged("room", "e1", 0, 1);

        assertThat(ledger.report().recovery("broker stopped").time()).contains(Duration.ofMillis(300));
    }

    @Test
    void recoveriesAreJudgedPerFaultInMarkingOrder() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.mark("first");
        tick(10);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.mark("second");
        tick(30);
        ledger.received("alice-1", "room", "e0", 0, false);
        tick(5);
        ledger.acknowledged("room", "e1", 0, 1);

        DeliveryReport report = ledger.report();

        assertThat(report.recoveries()).extracting(DeliveryReport.Recovery::fault).containsExactly("first", "second");
        assertThat(report.recovery("first").time()).as("e0 was acknowledged after it: only the publish counts")
                .contains(Duration.ofMillis(10));
        assertThat(report.recovery("second").time()).as("e0 delivered 30 ms in, e1 acknowledged 35 ms in")
                .contains(Duration.ofMillis(35));
        assertThatThrownBy(() -> report.recovery("third")).hasMessageContaining("first");
        assertThatThrownBy(() -> ledger.mark("first")).hasMessageContaining("already");
    }

    @Test
    void deliveriesResumeWhenEverySubscriptionHasItsFirstEventAcknowledgedAfterTheFault() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        ledger.subscribed("bob", "bob-1", "room", -1);
        ledger.subscribed("carol", "carol-1", "hall", -1); // owed nothing after the fault: not waited for
        ledger.mark("edge killed");
        tick(100);
        ledger.acknowledged("room", "e0", 0, 0);
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.received("alice-1", "room", "e0", 0, false);
        tick(900);
        assertThat(ledger.report().recovery("edge killed").deliveryResumed()).as("bob has had nothing yet").isEmpty();
        ledger.subscribed("bob", "bob-2", "room", -1);
        ledger.received("bob-2", "room", "e1", 1, false); // bob's first after the fault, 1 s in

        DeliveryReport.Recovery recovery = ledger.report().recovery("edge killed");

        assertThat(recovery.deliveryResumed()).contains(Duration.ofSeconds(1));
        assertThat(recovery.time()).as("nothing was owed from before; the first ack came 100 ms in").contains(Duration.ofMillis(100));
        assertThat(ledger.report().toString()).contains("recovered in 100 ms, deliveries resumed in 1000 ms");
    }

    @Test
    void theLedgerRefusesRecordsPastItsBound() {
        DeliveryLedger small = new DeliveryLedger(clock::get, 2);
        small.acknowledged("room", "e0", 0, 0);
        small.received("c", "room", "e0", 0, false);

        assertThatThrownBy(() -> small.acknowledged("room", "e1", 0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 records");
        assertThatThrownBy(() -> new DeliveryLedger(clock::get, 0)).hasMessageContaining("was 0");
    }

    @Test
    void aConnectionBelongsToOneSubscriber() {
        ledger.subscribed("alice", "shared", "room", -1);

        assertThatThrownBy(() -> ledger.subscribed("bob", "shared", "room", -1)).hasMessageContaining("belongs to alice");
    }

    @Test
    void theSummaryNamesCountsAndAtMostTenExamples() {
        ledger.subscribed("alice", "alice-1", "room", -1);
        for (int n = 0; n < 12; n++) {
            ledger.acknowledged("room", "e" + n, 0, n);
        }
        ledger.mark("fault");

        String summary = ledger.report().toString();

        assertThat(summary).contains("acknowledged 12", "lost 12", "and 2 more", "fault 'fault': not recovered, deliveries not resumed");
    }

    @Test
    void awaitDeliveredReturnsOnceTheLastOwedEventArrives() throws Exception {
        DeliveryLedger live = new DeliveryLedger();
        live.subscribed("alice", "alice-1", "room", -1);
        live.acknowledged("room", "e0", 0, 0);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<DeliveryReport> report = pool.submit(() -> {
                waiting.countDown();
                return live.awaitDelivered(Duration.ofSeconds(20));
            });
            waiting.await(10, TimeUnit.SECONDS);
            live.received("alice-1", "room", "e0", 0, false);

            assertThat(report.get(20, TimeUnit.SECONDS).lost()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void awaitDeliveredGivesUpAtItsTimeoutWithTheLostEventsNamed() throws Exception {
        DeliveryLedger live = new DeliveryLedger();
        live.subscribed("alice", "alice-1", "room", -1);
        live.acknowledged("room", "e0", 0, 0);
        long start = System.nanoTime();

        DeliveryReport report = live.awaitDelivered(Duration.ofMillis(200));

        assertThat(report.lost()).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    @Test
    void recordsFromManyThreadsAreAllKept() throws Exception {
        DeliveryLedger shared = new DeliveryLedger();
        int threads = 4;
        int each = 2_000;
        shared.subscribed("s", "c", "room", -1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                done.add(pool.submit(() -> {
                    for (int n = base; n < base + each; n++) {
                        shared.acknowledged("room", "e" + n, 0, n);
                        shared.received("c", "room", "e" + n, n, false);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        DeliveryReport report = shared.report();

        assertThat(report.acknowledged()).isEqualTo((long) threads * each);
        assertThat(report.receipts()).isEqualTo((long) threads * each);
        assertThat(report.lost()).isEmpty();
        assertThat(report.duplicates()).isEmpty();
    }

    private void tick(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
