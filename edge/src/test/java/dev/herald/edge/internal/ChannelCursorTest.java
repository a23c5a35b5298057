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
    private static final class Recording implements Subscriber {
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
        assertThat(cursor.replay(stored(4, 5))).isTrue();
        assertThat(cursor.replay(stored(6))).isTrue();
        assertThat(cursor.goLive()).isTrue();
        cursor.onLive(7, frame(10)); // an edge restart re-reads it: not sent again
        cursor.onLive(8, frame(10));
        cursor.onEphemeral(frame(5));

        assertThat(sub.sent).containsExactly("subscribed@3", "replayed@4", "replayed@5", "replayed@6", "event@7", "event@8", "ephemeral");
        assertThat(allBuffered.sum()).isZero();
    }

    @Test
    void aReplayPageThatRepeatsOffsetsAlreadySentSendsThemOnce() {
        Recording sub = new Recording();
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(2, 3, 4, 5))).isTrue();
        assertThat(cursor.replay(stored(5, 6))).isTrue();
        assertThat(cursor.goLive()).isTrue();
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
        assertThat(cursor.replay(stored(4))).isFalse();
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
        assertThat(cursor.replay(List.of())).isFalse();
        assertThat(cursor.goLive()).isFalse();
    }

    @Test
    void aClientThatDoesNotTakeTheReplayInTimeEndsIt() {
        Recording sub = new Recording();
        sub.refuseReplay = true;
        ChannelCursor cursor = new ChannelCursor("c", 0, sub, 100, 10_000, allBuffered);
        cursor.startReplay(SUBSCRIBED, 3);
        assertThat(cursor.replay(stored(4))).isFalse();
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
}
