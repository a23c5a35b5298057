package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** The index on two real XNIO I/O threads: who gets which event, in order, counted, isolated from a failing cursor. */
class SubscriptionIndexTest {

    private final IoThreadTasks tasks = new IoThreadTasks();
    private final SubscriptionIndex index = new SubscriptionIndex(tasks);
    private final LongAdder buffered = new LongAdder();
    private XnioWorker worker;

    /** A connection that records "channel@offset" of each event, or throws on one offset. */
    private static final class Recording implements Subscriber {
        final IoThreadTasks.Lane lane;
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile long throwOn = -1;

        Recording(IoThreadTasks.Lane lane) {
            this.lane = lane;
        }

        @Override
        public IoThreadTasks.Lane lane() {
            return lane;
        }

        @Override
        public void subscribed(String channel, long offset, byte[] frame) {
        }

        @Override
        public void event(String channel, long offset, byte[] frame) {
            if (offset == throwOn) {
                throw new IllegalStateException("a bug in one connection");
            }
            events.add(channel + "@" + offset);
        }

        @Override
        public void ephemeral(String channel, byte[] frame) {
            events.add(channel + "@ephemeral");
        }

        @Override
        public void redelivered(String channel, long offset, byte[] frame) {
            events.add(channel + "@replayed-" + offset);
        }

        @Override
        public boolean replayed(String channel, long offset, byte[] frame) {
            return true;
        }

        @Override
        public void reconnect(String reason) {
            events.add("reconnect");
        }
    }

    @BeforeEach
    void ioThreads() throws Exception {
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 2));
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    private ChannelCursor live(String channel, Recording sub) {
        ChannelCursor cursor = new ChannelCursor(channel, 0, sub, 100, 1 << 20, buffered);
        index.add(cursor);
        cursor.finishReplay(new byte[0], -1, List.of());
        return cursor;
    }

    @Test
    void eachCursorOfAChannelGetsItsEventsInOrderOnItsOwnThreadAndOthersGetNone() {
        Recording a1 = new Recording(tasks.lane(worker.getIoThread(0)));
        Recording a2 = new Recording(tasks.lane(worker.getIoThread(1)));
        Recording b = new Recording(tasks.lane(worker.getIoThread(0)));
        live("a", a1);
        live("a", a2);
        live("b", b);
        assertThat(index.subscriptions()).isEqualTo(3);
        for (long o = 0; o < 50; o++) {
            index.deliver(o % 2 == 0 ? "a" : "b", 0, o, new byte[8]);
        }
        index.deliver("nobody", 0, 50, new byte[8]);
        await().atMost(Duration.ofSeconds(10)).until(() -> a1.events.size() == 25 && a2.events.size() == 25 && b.events.size() == 25);
        assertThat(a1.events).isEqualTo(a2.events).allMatch(e -> e.startsWith("a@"));
        assertThat(a1.events.get(0)).isEqualTo("a@0");
        assertThat(a1.events.get(24)).isEqualTo("a@48");
        assertThat(b.events).allMatch(e -> e.startsWith("b@"));
    }

    @Test
    void aRemovedCursorGetsNothingMoreAndTheCountFollows() {
        Recording a = new Recording(tasks.lane(worker.getIoThread(0)));
        ChannelCursor cursor = live("a", a);
        index.remove(cursor);
        index.remove(cursor);
        assertThat(index.subscriptions()).isZero();
        index.deliver("a", 0, 1, new byte[8]);
        assertThat(index.deliverEphemeral("a", new byte[8])).isZero();
        Recording later = new Recording(tasks.lane(worker.getIoThread(0)));
        live("a", later);
        index.deliver("a", 0, 2, new byte[8]);
        await().atMost(Duration.ofSeconds(10)).until(() -> later.events.size() == 1);
        assertThat(a.events).isEmpty();
    }

    /** Regression: one cursor's exception skipped the other cursors of its thread for that event. */
    @Test
    void aCursorThatThrowsIsCountedAndTheOtherCursorsOfItsThreadStillGetTheEvent() {
        IoThreadTasks.Lane lane = tasks.lane(worker.getIoThread(0));
        Recording failing = new Recording(lane);
        failing.throwOn = 1;
        Recording[] others = {new Recording(lane), new Recording(lane), new Recording(lane)};
        live("a", failing);
        for (Recording r : others) {
            live("a", r);
        }
        index.deliver("a", 0, 1, new byte[8]);
        index.deliver("a", 0, 2, new byte[8]);
        await().atMost(Duration.ofSeconds(10)).until(() -> failing.events.size() == 2);
        for (Recording r : others) {
            await().atMost(Duration.ofSeconds(10)).until(() -> r.events.size() == 2);
        }
        assertThat(failing.events).as("told to reconnect: it may have missed the event").containsExactly("reconnect", "a@2");
        assertThat(tasks.taskFailures()).isEqualTo(1);
    }

    @Test
    void theIndexIsBehindWhileAThreadHasTheBoundOfEventsWaitingAndNeverMakesTheCallerWait() throws Exception {
        IoThreadTasks.Lane lane = tasks.lane(worker.getIoThread(0));
        BlockedLane blocked = BlockedLane.block(lane);
        Recording a = new Recording(lane);
        live("a", a);
        for (long o = 0; o < IoThreadTasks.MAX_HANDOFFS + 10; o++) {
            index.deliver("a", 0, o, new byte[8]);
        }
        assertThat(index.behind()).isTrue();
        assertThat(index.deliverEphemeral("a", new byte[8])).as("an ephemeral event is skipped by a thread behind").isEqualTo(1);
        blocked.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.events.size() == IoThreadTasks.MAX_HANDOFFS + 10);
        assertThat(index.behind()).isFalse();
    }

    @Test
    void aLostPositionInAPartitionAsksEveryConnectionFollowingOneOfItsChannelsToReconnect() {
        Recording inPartition = new Recording(tasks.lane(worker.getIoThread(0)));
        Recording elsewhere = new Recording(tasks.lane(worker.getIoThread(1)));
        ChannelCursor a = new ChannelCursor("a", 3, inPartition, 100, 1 << 20, buffered);
        ChannelCursor b = new ChannelCursor("b", 4, elsewhere, 100, 1 << 20, buffered);
        index.add(a);
        index.add(b);
        index.positionLost(3);
        assertThat(inPartition.events).containsExactly("reconnect");
        assertThat(elsewhere.events).isEmpty();
    }

    @Test
    void anEventTooLargeForAnyConnectionIsCounted() {
        SubscriptionIndex small = new SubscriptionIndex(tasks, 10);
        small.deliver("a", 0, 1, new byte[10]);
        assertThat(small.oversizedEvents()).isZero();
        small.deliver("a", 0, 2, new byte[11]);
        assertThat(small.oversizedEvents()).isEqualTo(1);
    }
}
