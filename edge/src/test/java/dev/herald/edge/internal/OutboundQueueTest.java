package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import dev.herald.edge.EdgeConfig;
import dev.herald.schemas.FrameCodec;

import org.junit.jupiter.api.Test;

/** The queue's bounds: durable offers close it past them, best-effort offers stay within half and never close it. */
class OutboundQueueTest {

    /** A transport that runs tasks when told and holds every write until {@link #complete}. */
    private static final class HeldTransport implements OutboundQueue.Transport<String> {
        final List<Runnable> tasks = new ArrayList<>();
        final List<String> written = new ArrayList<>();
        final List<Runnable> completions = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public void write(String message, int length, IntConsumer done) {
            written.add(message);
            completions.add(() -> done.accept(length));
        }

        void runTasks() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }

        void complete() {
            List<Runnable> now = new ArrayList<>(completions);
            completions.clear();
            now.forEach(Runnable::run);
        }
    }

    @Test
    void bestEffortOffersStopAtHalfTheCountAndLeaveTheRestToDurableOnes() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(4, 1_000, String::length, transport);
        assertThat(queue.offerSpare("e1")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerSpare("e2")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerSpare("e3")).isEqualTo(OutboundQueue.Offer.SKIPPED);
        assertThat(queue.offer("d1")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("d2")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("d3")).as("past the whole bound").isEqualTo(OutboundQueue.Offer.FULL);
        assertThat(queue.offerSpare("e4")).isEqualTo(OutboundQueue.Offer.CLOSED);
    }

    @Test
    void aSkippedOfferLeavesTheQueueOpenAndRoomComesBackOnceWritten() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(100, 20, String::length, transport);
        assertThat(queue.offerSpare("12345678")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerSpare("123")).as("8 + 3 bytes is past half of 20").isEqualTo(OutboundQueue.Offer.SKIPPED);
        assertThat(queue.bytes()).isEqualTo(8);
        transport.runTasks();
        assertThat(transport.written).containsExactly("12345678");
        transport.complete();
        assertThat(queue.bytes()).isZero();
        assertThat(queue.offerSpare("123")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("1234567890")).isEqualTo(OutboundQueue.Offer.QUEUED);
        transport.runTasks();
        assertThat(transport.written).containsExactly("12345678", "123", "1234567890");
    }

    @Test
    void aQueueOfOneStillTakesOneBestEffortMessage() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(1, 1_000, String::length, transport);
        assertThat(queue.offerSpare("e1")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerSpare("e2")).isEqualTo(OutboundQueue.Offer.SKIPPED);
    }

    @Test
    void aDurableOfferPastTheCountClosesTheQueueAndDropsWhatWaited() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(3, 1_000, String::length, transport);
        for (String m : List.of("a", "b", "c")) {
            assertThat(queue.offer(m)).isEqualTo(OutboundQueue.Offer.QUEUED);
        }
        assertThat(queue.offer("d")).isEqualTo(OutboundQueue.Offer.FULL);
        assertThat(queue.offer("e")).as("closed for good").isEqualTo(OutboundQueue.Offer.CLOSED);
        transport.runTasks();
        assertThat(transport.written).as("a closed queue writes nothing more").isEmpty();
    }

    @Test
    void aDurableOfferPastTheBytesClosesTheQueueButWrittenMessagesMakeRoom() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(100, 10, String::length, transport);
        assertThat(queue.offer("123456")).isEqualTo(OutboundQueue.Offer.QUEUED);
        transport.runTasks();
        assertThat(queue.bytes()).as("counted until written").isEqualTo(6);
        transport.complete();
        assertThat(queue.offer("1234")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("123456")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("1")).as("11 bytes past a bound of 10").isEqualTo(OutboundQueue.Offer.FULL);
    }

    /** The edge's rule: a queue at its configured bound holds one frame of the largest event, even when it is all there is. */
    @Test
    void aQueueSizedByTheEdgeConfigTakesOneFrameOfTheLargestEventAndAReplayWaitsForRoomForIt() {
        EdgeConfig defaults = new EdgeConfig(Map.of());
        String largest = "x".repeat((int) EdgeConfig.smallestQueueBytes(defaults.getInt(EdgeConfig.EVENT_MAX_BYTES),
                defaults.getInt(EdgeConfig.MAX_SUBSCRIPTIONS)));
        assertThat((long) largest.length()).isGreaterThan(FrameCodec.maxFrameBytes(defaults.getInt(EdgeConfig.EVENT_MAX_BYTES)));
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(defaults.getInt(EdgeConfig.QUEUE_MAX_EVENTS),
                defaults.getInt(EdgeConfig.QUEUE_MAX_BYTES), String::length, transport);
        assertThat(queue.offer(largest)).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.awaitRoom(largest.length(), 10)).as("a second one waits until the first is written").isFalse();
        transport.runTasks();
        transport.complete();
        assertThat(queue.awaitRoom(largest.length(), 10)).isTrue();
        assertThat(queue.offer(largest)).isEqualTo(OutboundQueue.Offer.QUEUED);
    }

    @Test
    void aConflatedChannelHoldsOneMessageBeingWrittenAndOneWaitingWhichANewerOneReplaces() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(100, 1_000, String::length, transport);
        assertThat(queue.offerLatest("c", "v1")).isEqualTo(OutboundQueue.Offer.QUEUED);
        transport.runTasks();
        assertThat(transport.written).as("the first goes out at once").containsExactly("v1");

        // the socket has not taken v1 yet: what follows waits, the newest replacing the one before
        assertThat(queue.offerLatest("c", "v2")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offerLatest("c", "v3")).isEqualTo(OutboundQueue.Offer.CONFLATED);
        assertThat(queue.offerLatest("c", "v44")).isEqualTo(OutboundQueue.Offer.CONFLATED);
        transport.runTasks();
        assertThat(transport.written).as("nothing more while v1 is being written").containsExactly("v1");
        assertThat(queue.bytes()).as("v1 and v44").isEqualTo(5);

        transport.complete();
        transport.runTasks();
        assertThat(transport.written).containsExactly("v1", "v44");
        transport.complete();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aConflatedChannelNeverFillsTheQueueButItsBytesStillCountForTheOtherChannels() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(3, 1_000, String::length, transport);
        for (int i = 0; i < 10_000; i++) {
            assertThat(queue.offerLatest("c", "value-" + i)).isIn(OutboundQueue.Offer.QUEUED, OutboundQueue.Offer.CONFLATED);
            transport.runTasks();
        }
        assertThat(queue.bytes()).as("value-0 being written, value-9999 waiting").isEqualTo("value-0".length() + "value-9999".length());
        assertThat(queue.offer("d1")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(queue.offer("d2")).as("past the count of 3 with the conflated channel's two").isEqualTo(OutboundQueue.Offer.FULL);
        assertThat(queue.offerLatest("c", "late")).isEqualTo(OutboundQueue.Offer.CLOSED);
    }

    @Test
    void conflatedChannelsAreConflatedEachOnItsOwnAndPlainMessagesPassUntouched() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(100, 1_000, String::length, transport);
        queue.offerLatest("a", "a1");
        queue.offerLatest("b", "b1");
        queue.offer("p1");
        queue.offerLatest("a", "a2");
        queue.offer("p2");
        queue.offerLatest("a", "a3");
        queue.offerLatest("b", "b2");
        transport.runTasks();
        assertThat(transport.written).as("each channel's newest, replaced in place before the drain took it")
                .containsExactly("p1", "p2", "a3", "b2");
    }

    @Test
    void forgettingAChannelDropsItsWaitingMessageAndItsBytes() {
        HeldTransport transport = new HeldTransport();
        OutboundQueue<String> queue = new OutboundQueue<>(100, 1_000, String::length, transport);
        queue.offerLatest("c", "v1");
        transport.runTasks();
        queue.offerLatest("c", "v2");
        queue.forget("c");
        transport.complete();
        transport.runTasks();
        assertThat(transport.written).containsExactly("v1");
        assertThat(queue.bytes()).isZero();
    }
}
