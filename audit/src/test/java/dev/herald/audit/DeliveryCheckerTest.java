package dev.herald.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import org.junit.jupiter.api.Test;

class DeliveryCheckerTest {

    private static final long MS = 1_000_000L;
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final Epoch EPOCH = new Epoch(UUID.fromString("3f1b2a4c-0000-4000-8000-000000000001"), 6);

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final List<String> heard = new ArrayList<>();
    private final DeliveryChecker checker = new DeliveryChecker(DEADLINE, 100, clock::get, new DeliveryListener() {
        @Override
        public void counted(DeliveryOutcome outcome, String edge, String channel, String eventId) {
            if (outcome != DeliveryOutcome.RECEIVED) {
                heard.add(outcome + " " + edge + " " + eventId);
            }
        }

        @Override
        public void latency(String edge, long nanos) {
            heard.add("latency " + edge + " " + nanos / MS + " ms");
        }
    });

    private static String at(long offset) {
        return PositionCodec.encode(new Position(EPOCH, 2, offset));
    }

    private void advanceMs(long ms) {
        clock.addAndGet(ms * MS);
    }

    /** Publishes {@code id}: its publish starts now and is acknowledged 5 ms later. */
    private void ack(String id) {
        long start = checker.nanoTime();
        advanceMs(5);
        checker.acknowledged("c", id, start);
    }

    private void receive(String connection, String id, long offset) {
        checker.received(connection, "c", id, at(offset), checker.nanoTime());
    }

    @Test
    void anEventNotReceivedByItsDeadlineIsCountedLostOnceAndNamed() {
        checker.subscribed("edge-1", "ws-1", "c");
        ack("e1");

        advanceMs(999);
        assertThat(checker.report("edge-1").lost()).isZero();
        advanceMs(1);
        checker.checkDeadlines();
        checker.checkDeadlines();

        assertThat(checker.report("edge-1").lost()).isEqualTo(1);
        assertThat(heard).containsExactly("LOST edge-1 e1");
        assertThat(checker.awaiting()).isZero();
    }

    @Test
    void aReceiptAfterTheDeadlineIsLateAndNeverTakesTheLossBack() {
        checker.subscribed("edge-1", "ws-1", "c");
        ack("e1");
        advanceMs(1_500);
        receive("ws-1", "e1", 0);

        EdgeReport report = checker.report("edge-1");
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.late()).isEqualTo(1);
        assertThat(report.received()).isEqualTo(1);
        assertThat(report.latencySamples()).isEqualTo(1);
        assertThat(report.maxLatencyNanos()).isEqualTo(1_505 * MS);
        assertThat(heard).containsExactly("LOST edge-1 e1", "LATE edge-1 e1", "latency edge-1 1505 ms");
    }

    @Test
    void anEventReceivedInTimeIsTimedFromItsPublishStartAndNotLost() {
        checker.subscribed("edge-1", "ws-1", "c");
        ack("e1");
        advanceMs(20);
        receive("ws-1", "e1", 0);
        advanceMs(5_000);

        EdgeReport report = checker.report("edge-1");
        assertThat(report).isEqualTo(new EdgeReport("edge-1", 1, 0, 0, 0, 0, 1, 25 * MS));
        assertThat(heard).containsExactly("latency edge-1 25 ms");
    }

    @Test
    void aReceiptBeforeItsAcknowledgementIsTimedWhenTheAcknowledgementComes() {
        checker.subscribed("edge-1", "ws-1", "c");
        long start = checker.nanoTime();
        advanceMs(3);
        receive("ws-1", "e1", 0);
        advanceMs(4);
        checker.acknowledged("c", "e1", start);
        advanceMs(2_000);

        assertThat(checker.report("edge-1").lost()).isZero();
        assertThat(heard).containsExactly("latency edge-1 3 ms");
    }

    @Test
    void anEventReceivedTwiceOnOneConnectionIsADuplicateButOnceOnEachOfTwoConnectionsIsNot() {
        checker.subscribed("edge-1", "ws-1", "c");
        checker.subscribed("edge-1", "ws-2", "c");
        ack("e1");
        receive("ws-1", "e1", 0);
        receive("ws-2", "e1", 0);
        receive("ws-1", "e1", 0);
        advanceMs(2_000);

        EdgeReport report = checker.report("edge-1");
        assertThat(report.received()).isEqualTo(3);
        assertThat(report.duplicated()).isEqualTo(1);
        assertThat(report.outOfOrder()).isZero();
        assertThat(report.lost()).isZero();
        assertThat(report.latencySamples()).isEqualTo(2);
    }

    @Test
    void aNewEventBelowTheHighestPositionOfItsChannelIsOutOfOrder() {
        checker.subscribed("edge-1", "ws-1", "c");
        for (String id : List.of("e1", "e2", "e3")) {
            ack(id);
        }
        receive("ws-1", "e1", 10);
        receive("ws-1", "e3", 12);
        receive("ws-1", "e2", 11);

        EdgeReport report = checker.report("edge-1");
        assertThat(report.outOfOrder()).isEqualTo(1);
        assertThat(report.duplicated()).isZero();
        assertThat(heard).contains("OUT_OF_ORDER edge-1 e2");
    }

    @Test
    void aRepeatBelowTheHighestPositionIsADuplicateOnly() {
        checker.subscribed("edge-1", "ws-1", "c");
        receive("ws-1", "e1", 10);
        receive("ws-1", "e2", 11);
        receive("ws-1", "e1", 10);

        EdgeReport report = checker.report("edge-1");
        assertThat(report.duplicated()).isEqualTo(1);
        assertThat(report.outOfOrder()).isZero();
    }

    @Test
    void aPositionOfAnotherEpochStartsTheOrderAfresh() {
        checker.subscribed("edge-1", "ws-1", "c");
        receive("ws-1", "e1", 10);
        Epoch recreated = new Epoch(UUID.randomUUID(), 6);
        checker.received("ws-1", "c", "e2", PositionCodec.encode(new Position(recreated, 2, 0)), checker.nanoTime());

        assertThat(checker.report("edge-1").outOfOrder()).isZero();
    }

    @Test
    void lossesAreCountedPerConnectionAndReportedPerEdge() {
        checker.subscribed("edge-1", "ws-1", "c");
        checker.subscribed("edge-2", "ws-2", "c");
        checker.subscribed("edge-2", "ws-3", "c");
        ack("e1");
        receive("ws-1", "e1", 0);
        receive("ws-2", "e1", 0);
        advanceMs(1_000);

        assertThat(checker.reports()).extracting(EdgeReport::edge, EdgeReport::lost).containsExactly(tuple("edge-1", 0L), tuple("edge-2", 1L));
        assertThat(heard).contains("LOST edge-2 e1");
    }

    @Test
    void aConnectionIsNotExpectedToReceiveWhatWasPublishedBeforeItSubscribedOrAfterItClosed() {
        long before = checker.nanoTime();
        advanceMs(1);
        checker.subscribed("edge-1", "ws-1", "c");
        checker.acknowledged("c", "e-before", before);
        checker.subscribed("edge-1", "ws-2", "c");
        ack("e-after");
        checker.closed("ws-2");
        advanceMs(1_000);

        assertThat(checker.report("edge-1").lost()).isEqualTo(1);
        assertThat(heard).containsExactly("LOST edge-1 e-after");
        assertThat(checker.received("ws-2", "c", "e-after", at(0), checker.nanoTime())).isFalse();
    }

    @Test
    void aConnectionThatSubscribesAgainKeepsItsFirstTimeSoAGapBetweenItsSocketsIsLost() {
        checker.subscribed("edge-1", "ws-1", "c");
        ack("e1");
        advanceMs(10);
        checker.subscribed("edge-1", "ws-1", "c");
        advanceMs(1_000);

        assertThat(checker.report("edge-1").lost()).isEqualTo(1);
    }

    @Test
    void onlyTheSubscribersOfTheEventsChannelAreJudged() {
        checker.subscribed("edge-1", "ws-1", "other");
        ack("e1");
        advanceMs(1_000);

        assertThat(checker.report("edge-1").lost()).isZero();
    }

    @Test
    void acknowledgementsPastTheBoundAreNotTrackedButCounted() {
        checker.subscribed("edge-1", "ws-1", "c");
        for (int i = 0; i < 100; i++) {
            assertThat(checker.acknowledged("c", "e" + i, checker.nanoTime())).isTrue();
        }
        assertThat(checker.acknowledged("c", "e100", checker.nanoTime())).isFalse();
        assertThat(checker.acknowledged("c", "e0", checker.nanoTime())).as("already tracked").isTrue();

        assertThat(checker.awaiting()).isEqualTo(100);
        assertThat(checker.untracked()).isEqualTo(1);
        advanceMs(1_000);
        assertThat(checker.awaiting()).isZero();
        assertThat(checker.report("edge-1").lost()).isEqualTo(100);
    }

    @Test
    void receiptsAndLossesAreForgottenByCountAndByAge() {
        checker.subscribed("edge-1", "ws-1", "c");
        for (int i = 0; i < 150; i++) {
            receive("ws-1", "r" + i, i);
        }
        assertThat(checker.remembered()).isEqualTo(100);
        receive("ws-1", "r0", 0);
        assertThat(checker.report("edge-1").duplicated()).as("r0 was forgotten: the bound").isZero();

        ack("lost");
        advanceMs(1_000);
        checker.checkDeadlines();
        assertThat(checker.remembered()).isEqualTo(101);

        advanceMs(DeliveryChecker.RETENTION_DEADLINES * 1_000L + 1);
        checker.checkDeadlines();
        assertThat(checker.remembered()).isZero();
    }

    @Test
    void misuseIsRefusedWithTheBadValue() {
        checker.subscribed("edge-1", "ws-1", "c");
        assertThatThrownBy(() -> checker.subscribed("edge-2", "ws-1", "c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("edge-1");
        assertThatThrownBy(() -> checker.received("ws-1", "c", "e1", "not-a-position", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position");
        assertThatThrownBy(() -> new DeliveryChecker(Duration.ZERO, 1, clock::get, DeliveryListener.NONE))
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new DeliveryChecker(DEADLINE, 0, clock::get, DeliveryListener.NONE)).hasMessageContaining("was 0");
    }
}
