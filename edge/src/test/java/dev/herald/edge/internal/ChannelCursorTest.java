package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.herald.fanout.StoredFrame;
import org.junit.jupiter.api.Test;

/** The replay-to-live switch of one cursor: no gap, no repeat, bounded buffering. */
class ChannelCursorTest {

    /** A subscriber that records what it is sent, as "subscribed@offset", "event@offset" or "replayed@offset". */
    private static class Recording implements Subscriber {
        final List<String> sent = new ArrayList<>();
        boolean refuseReplay;

        @Override
        public IoThreadTasks.Lane lane() {
            return null;
        }

        @Override
        public synchronized void subscribed(String channel, long offset, byte[] frame) {
            sent.add("subscribed@" + offset);
        }

        @Override
        public synchronized void event(String channel, long offset, byte[] frame) {
            sent.add("event@" + offset);
        }

        @Override
        public synchronized void ephemeral(String channel, byte[] frame) {
            sent.add("ephemeral");
        }

        @Override
        public synchronized void redelivered(String channel, long offset, byte[] frame) {
            sent.add("redelivered@" + offset);
        }

        @Override
        public synchronized void reconnect(String reason) {
            sent.add("reconnect");
        }

        @Override
        public synchronized boolean replayed(String channel, long offset, byte[] frame) {
            if (refuseReplay) {
                return false;
            }
            sent.add("replayed@" + offset);
            return true;
        }
    }

    private static final byte[] SUBSCRIBED = "{}".getBytes(StandardCharsets.UTF_8);
    private final LongAdder allBuffered = new LongAdder();

    private static byte[] frame(int bytes) {
        return new byte[bytes];
    }

    private static List<StoredFrame> stored(long... offsets) {
        List<StoredFrame> frames = new ArrayList<>();
        for (long o : offsets) {
            frames.add(new StoredFrame(0, o, frame(10)));
        }
        return frames;
    }

    @Test
    void liveEventsDuringTheReplayAreBufferedThenSentOnceEachAfterIt() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.onLive(6, frame(10)); // also in the replay: sent once
        cursor.onLive(7, frame(10));
        cursor.onEphemeral(frame(5)); // dropped while replaying
        assertThat(allBuffered.sum()).isEqualTo(20);
        assertThat(sub.sent).isEmpty();

        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4, 5))).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(cursor.replay(stored(6))).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.GOING);
        cursor.onLive(7, frame(10)); // an edge restart re-reads it: not sent again
        cursor.onLive(8, frame(10));
        cursor.onEphemeral(frame(5));

        assertThat(sub.sent).containsExactly("subscribed@3", "replayed@4", "replayed@5", "replayed@6", "event@7", "event@8", "ephemeral");
        assertThat(allBuffered.sum()).isZero();
    }

    @Test
    void aRedeliveredEventGoesOnlyToALiveCursorWhateverItsOffsetAndDoesNotMoveIt() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        assertThat(cursor.onRedelivered(2, frame(10))).as("skipped while the resume runs").isFalse();
        cursor.finishReplay(SUBSCRIBED, 5, List.of());
        assertThat(cursor.onRedelivered(2, frame(10))).isTrue();
        assertThat(cursor.onRedelivered(3, frame(10))).isTrue();
        cursor.onLive(5, frame(10)); // at the position: still dropped, the redeliveries did not move it
        cursor.onLive(6, frame(10));
        cursor.discard();
        assertThat(cursor.onRedelivered(4, frame(10))).isFalse();

        assertThat(sub.sent).containsExactly("subscribed@5", "redelivered@2", "redelivered@3", "event@6");
    }

    @Test
    void aReplayPageThatRepeatsOffsetsAlreadySentSendsThemOnce() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(2, 3, 4, 5))).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(cursor.replay(stored(5, 6))).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(sub.sent).containsExactly("subscribed@3", "replayed@4", "replayed@5", "replayed@6");
    }

    @Test
    void liveEventsPastTheBufferCountEndTheReplayAsTooSlow() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 2, 10_000, allBuffered);
        cursor.onLive(10, frame(10));
        cursor.onLive(11, frame(10));
        cursor.onLive(12, frame(10));
        assertThat(allBuffered.sum()).as("the overflowed buffer is dropped").isZero();
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4))).isEqualTo(ChannelCursor.Progress.TOO_SLOW);
    }

    @Test
    void aConflatingCursorKeepsTheNewestLiveEventPastItsBufferAndIsNeverTooSlow() {
        Recording sub = new Recording();
        sub.refuseReplay = true; // a conflating cursor never waits for room, so a stalled client does not end its replay
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 2, 10_000, allBuffered, true);
        cursor.onLive(10, frame(10));
        cursor.onLive(11, frame(10));
        cursor.onLive(12, frame(10));
        assertThat(allBuffered.sum()).as("10 and 11 conflated away, 12 kept").isEqualTo(10);
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4, 5))).isEqualTo(ChannelCursor.Progress.GOING);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.GOING);
        cursor.onLive(13, frame(10));
        assertThat(sub.sent).as("Recording takes conflated events as events").containsExactly("subscribed@3", "event@4", "event@5",
                "event@12", "event@13");
    }

    /** Regression: the buffer was bounded by count only, so a few large live events during a slow replay could hold any amount of memory. */
    @Test
    void liveEventsPastTheBufferBytesEndTheReplayAsTooSlow() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 1_000, 1_000, allBuffered);
        cursor.onLive(10, frame(600));
        assertThat(allBuffered.sum()).isEqualTo(600);
        cursor.onLive(11, frame(600));
        assertThat(allBuffered.sum()).isZero();
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(List.of())).isEqualTo(ChannelCursor.Progress.TOO_SLOW);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.TOO_SLOW);
    }

    @Test
    void aClientThatDoesNotTakeTheReplayInTimeEndsIt() {
        Recording sub = new Recording();
        sub.refuseReplay = true;
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4))).isEqualTo(ChannelCursor.Progress.TOO_SLOW);
    }

    @Test
    void aDiscardedCursorGivesItsBufferBack() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.onLive(10, frame(100));
        cursor.discard();
        assertThat(allBuffered.sum()).isZero();
        cursor.onLive(11, frame(100));
        assertThat(allBuffered.sum()).isZero();
    }

    /** Regression: a cursor whose buffer overflowed still turned live, so events after the dropped ones could reach the client. */
    @Test
    void aCursorThatOverflowedNeverTurnsLiveSoNothingAfterTheGapIsSent() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 1, 10_000, allBuffered);
        cursor.onLive(10, frame(10));
        cursor.onLive(11, frame(10)); // overflows: 10 and 11 are dropped
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.TOO_SLOW);
        cursor.onLive(12, frame(10));
        assertThat(sub.sent).containsExactly("subscribed@3");
    }

    /** Regression: unsubscribing during a replay made it end as too slow, and the connection was closed with 4008. */
    @Test
    void aCursorDiscardedDuringItsReplayStopsItQuietlyAfterTheFrameBeingSent() {
        ChannelCursor[] self = new ChannelCursor[1];
        Recording sub = new Recording() {
            @Override
            public synchronized boolean replayed(String channel, long offset, byte[] frame) {
                boolean ok = super.replayed(channel, offset, frame);
                if (offset == 5) {
                    self[0].discard(); // the client unsubscribes while its replay runs
                }
                return ok;
            }
        };
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        self[0] = cursor;
        cursor.onLive(9, frame(10));
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4, 5, 6, 7))).isEqualTo(ChannelCursor.Progress.CANCELLED);
        assertThat(cursor.goLive()).isEqualTo(ChannelCursor.Progress.CANCELLED);
        cursor.onLive(10, frame(10));
        assertThat(sub.sent).containsExactly("subscribed@3", "replayed@4", "replayed@5");
        assertThat(allBuffered.sum()).isZero();
    }

    @Test
    void aFailedDeliveryOrALostPositionAsksTheConnectionToReconnect() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.failed();
        cursor.positionLost();
        assertThat(sub.sent).containsExactly("reconnect", "reconnect");
    }
}
