package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.List;

import dev.herald.fanout.StoredFrame;

/**
 * One subscriber's place in one channel: the offset of the last event it was sent.
 *
 * <pre>
 * The switch from replay to live, without gap or repeat:
 *  1. the cursor is registered in the index while REPLAYING: live events are buffered;
 *  2. missed events are read (history or Kafka) after the cursor was registered, so every event
 *     handed to the index before registration is in what is read, and every one after is buffered;
 *  3. finishReplay sends the subscribed frame, then the replayed events, then the buffer, each
 *     only if its offset is above the last one sent, and turns LIVE.
 * Live events then go out only if their offset is above the last one sent, so an event that is
 * both replayed and buffered (or consumed twice after an edge restart) goes out once.
 * </pre>
 *
 * Thread-safe: the connection's I/O thread calls {@link #onLive}, a resume worker {@link #finishReplay}.
 * Until the cursor is live, {@link #onLive} only buffers, so the replay may send without the lock.
 */
final class ChannelCursor {

    private final String channel;
    private final int partition;
    private final Subscriber subscriber;
    private final int maxBuffered;
    private List<StoredFrame> buffered = new ArrayList<>();
    private long lastOffset;
    private boolean live;
    private boolean overflowed;

    ChannelCursor(String channel, int partition, Subscriber subscriber, int maxBuffered) {
        this.channel = channel;
        this.partition = partition;
        this.subscriber = subscriber;
        this.maxBuffered = maxBuffered;
    }

    String channel() {
        return channel;
    }

    int partition() {
        return partition;
    }

    /** The lane of the I/O thread where this cursor's live events are handed. */
    IoThreadTasks.Lane lane() {
        return subscriber.lane();
    }

    /** A live event of this cursor's channel, in offset order. */
    synchronized void onLive(long offset, byte[] frame) {
        if (!live) {
            if (buffered.size() >= maxBuffered) {
                overflowed = true;
                buffered.clear();
            } else if (!overflowed) {
                buffered.add(new StoredFrame(partition, offset, frame));
            }
            return;
        }
        if (offset > lastOffset) {
            lastOffset = offset;
            subscriber.event(channel, offset, frame);
        }
    }

    /**
     * An ephemeral event of this cursor's channel: sent only once the cursor is live (after its
     * {@code subscribed} frame); during a replay it is dropped, as best effort allows.
     */
    synchronized void onEphemeral(byte[] frame) {
        if (live) {
            subscriber.ephemeral(channel, frame);
        }
    }

    /**
     * Ends the replay: sends {@code subscribed}, then {@code missed} and the buffered live events
     * above {@code afterOffset}, and turns live. The missed events go out without holding the
     * cursor's lock, at the pace the connection's queue takes them (see {@link Subscriber#replayed});
     * live events meanwhile wait in the bounded buffer.
     *
     * @return {@code false} if live events overflowed the buffer meanwhile, or the client did not
     *         take the replay in time (it is too slow to catch up and should reconnect)
     */
    boolean finishReplay(byte[] subscribed, long afterOffset, List<StoredFrame> missed) {
        long last;
        synchronized (this) {
            lastOffset = afterOffset;
            subscriber.subscribed(channel, afterOffset, subscribed);
            last = afterOffset;
        }
        for (StoredFrame f : missed) {
            if (f.offset() > last) {
                last = f.offset();
                if (!subscriber.replayed(channel, f.offset(), f.frame())) {
                    return false;
                }
            }
        }
        synchronized (this) {
            lastOffset = Math.max(lastOffset, last);
            for (StoredFrame f : buffered) {
                sendIfNew(f);
            }
            buffered = List.of();
            live = true;
            return !overflowed;
        }
    }

    private void sendIfNew(StoredFrame f) {
        if (f.offset() > lastOffset) {
            lastOffset = f.offset();
            subscriber.event(channel, f.offset(), f.frame());
        }
    }
}
