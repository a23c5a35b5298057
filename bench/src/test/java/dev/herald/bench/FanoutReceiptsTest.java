package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** How {@link FanoutReceipts} tells repeats from redeliveries and keeps positions to resume from. */
class FanoutReceiptsTest {

    private final FanoutReceipts receipts = new FanoutReceipts(2, true);

    @Test
    void aNumberTheSameSocketBroughtIsARepeatOneAnEarlierSocketBroughtIsARedelivery() {
        receipts.onOpen(0);
        receive(0, event("c", "p1", 1));
        receive(0, event("c", "p1", 1));
        assertThat(receipts.repeats()).isOne();

        receipts.onOpen(0); // a new socket for the same subscriber
        receive(0, event("c", "p1", 1));
        receive(0, event("c", "p2", 2));
        assertThat(receipts.repeats()).isOne();
        assertThat(receipts.redeliveries()).isOne();
        assertThat(receipts.fresh()).isEqualTo(2);
        assertThat(receipts.distinct(0, 0, 10)).isEqualTo(2);
        assertThat(receipts.distinct(1, 0, 10)).isZero();
    }

    @Test
    void aMeasurementCountsOnlyItsOwnEventsNotEarlierOnesStillArriving() {
        receive(0, event("c", "p1", 1));
        receipts.measureFrom(5);
        receive(1, event("c", "p1", 1)); // a warm-up event, late
        receive(0, event("c", "p5", 5));
        receive(0, event("c", "p5", 5)); // a repeat is not fresh
        receive(1, event("c", "p6", 6));
        assertThat(receipts.fresh()).isEqualTo(4);
        assertThat(receipts.freshMeasured()).isEqualTo(2);
    }

    @Test
    void resumesFromTheLastEventsPositionOrElseFromTheLiveSubscribesAnswer() {
        receipts.onOpen(0);
        receive(0, "{\"op\":\"subscribed\",\"channel\":\"a\",\"position\":\"now-a\",\"recovered\":true}");
        receive(0, "{\"op\":\"subscribed\",\"channel\":\"b\",\"position\":\"now-b\",\"recovered\":true}");
        receive(0, event("a", "a-7", 1));
        assertThat(receipts.resumeFrom(0, "a")).isEqualTo("a-7");
        assertThat(receipts.resumeFrom(0, "b")).isEqualTo("now-b");

        // a resumed subscribe answers with the position of now, which is not where this subscriber is
        receive(0, "{\"op\":\"subscribed\",\"channel\":\"b\",\"position\":\"later\",\"recovered\":false,\"reason\":\"x\"}");
        assertThat(receipts.resumeFrom(0, "b")).isEqualTo("now-b");
        assertThat(receipts.notRecovered()).isOne();
        assertThat(receipts.subscribedBy(0)).isEqualTo(3);
        assertThat(receipts.resumeFrom(1, "a")).isNull();
    }

    private void receive(int connection, String frame) {
        receipts.onText(connection, ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)), System.nanoTime());
    }

    private static String event(String channel, String position, int n) {
        return "{\"op\":\"event\",\"channel\":\"" + channel + "\",\"id\":\"e" + n + "\",\"position\":\"" + position
                + "\",\"ts\":1,\"data\":{\"t\":" + System.nanoTime() + ",\"n\":" + n + ",\"p\":\"x\"}}";
    }
}
