package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

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
}
