package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/**
 * One connection's messages on their way out, bounded in count and bytes. A message is a
 * WebSocket frame or an SSE event; the queue knows only its size. A message counts against
 * the bounds from the moment it is offered until the transport reports it written, so a slow
 * socket backs up here, where it is measured, and a subscriber past either bound is refused
 * ({@link Offer#FULL}) and must be closed.
 *
 * <p>Conflation ({@link #offerLatest}, for channels subscribed with {@code "mode":"latest"}): each
 * such channel has one slot, which holds at most one message waiting and lets it go to the
 * transport only once the channel's previous message is written. A newer message of the channel
 * replaces the one waiting ({@link Offer#CONFLATED}), so however far behind the socket is, a
 * conflated channel holds at most two messages of the connection (one being written, one
 * waiting), and its newest goes out once the client reads again. Conflated messages count against
 * the bounds like the others (so that the connection's other channels still close it when they
 * overflow), but never overflow them themselves: a conflated channel is never the reason a
 * connection is closed. So a connection holds at most its bounds plus two messages per
 * conflated channel (at most {@code connection.max.subscriptions} of them).
 *
 * <p>Messages are written in batches: one task on the connection's I/O thread hands every message
 * queued so far to the transport, without waiting for each write to finish first.
 *
 * <p>Thread-safe: offers come from the poll thread and resume workers, completions from the
 * connection's I/O thread.
 */
final class OutboundQueue<M> {

    /**
     * What happened to an offered message: {@code SKIPPED} only from {@link #offerSpare}, which
     * leaves the queue open; {@code CONFLATED} only from {@link #offerLatest}: it took the place of
     * an older message of its channel, which is dropped.
     */
    enum Offer { QUEUED, FULL, SKIPPED, CLOSED, CONFLATED }

    /** The connection's transport. */
    interface Transport<M> {
        /** Runs {@code task} on the connection's I/O thread. */
        void execute(Runnable task);

        /**
         * Writes one message of {@code length} bytes (on the I/O thread), or starts to, and calls
         * {@code written.accept(length)} when it is out, or failed. {@code written} is the same
         * object for every message of a queue, so the queue allocates no callback per write.
         */
        void write(M message, int length, IntConsumer written);

        /** Ends a batch of writes: sends what the writes since the last call have left buffered. */
        default void flush() {
        }
    }

    private final int maxEvents;
    private final long maxBytes;
    private final ToIntFunction<M> size;
    private final Transport<M> transport;
    /** The one completion every write reports to. */
    private final IntConsumer written = this::written;
    /** The one drain task every offer schedules. */
    private final Runnable drainTask = this::drain;
    /**
     * Offered, not yet handed to the transport: messages, and {@link Slot}s of conflated channels
     * whose waiting message may go; swapped with {@link #draining} by each drain.
     */
    private List<Object> pending = new ArrayList<>();
    private List<Object> draining = new ArrayList<>();
    /** Each conflated channel's slot; made on its first message, dropped by {@link #forget}. Guarded by this. */
    private Map<Object, Slot> slots;
    private int count;
    private long bytes;
    private boolean drainScheduled;
    private boolean closed;

    /**
     * @param size how many bytes a message counts for
     */
    OutboundQueue(int maxEvents, long maxBytes, ToIntFunction<M> size, Transport<M> transport) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.size = size;
        this.transport = transport;
    }

    /**
     * Queues {@code message}. Returns {@link Offer#FULL} (and closes the queue) if it would go past
     * either bound: the connection is too slow and must be closed.
     */
    Offer offer(M message) {
        int length = size.applyAsInt(message);
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (count >= maxEvents || bytes + length > maxBytes) {
                close();
                return Offer.FULL;
            }
            if (!enqueue(message, length)) {
                return Offer.QUEUED;
            }
        }
        transport.execute(drainTask);
        return Offer.QUEUED;
    }

    /**
     * Queues a best-effort {@code message} (an ephemeral event) only if the queue stays within half
     * its bounds with it (count: at least one), else returns {@link Offer#SKIPPED} and leaves the
     * queue as it was. Ephemeral traffic never closes a connection itself, and at least half of
     * the queue is always left to durable events: a burst of typing indicators to a slow reader
     * costs it indicators, not its subscription. (A durable burst then has that half to fill
     * before the connection is closed as too slow.)
     */
    Offer offerSpare(M message) {
        int length = size.applyAsInt(message);
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (count >= Math.max(1, maxEvents / 2) || bytes + length > maxBytes / 2) {
                return Offer.SKIPPED;
            }
            if (!enqueue(message, length)) {
                return Offer.QUEUED;
            }
        }
        transport.execute(drainTask);
        return Offer.QUEUED;
    }

    /**
     * Queues {@code message} of the conflated channel {@code key}: it replaces the channel's
     * message still waiting ({@link Offer#CONFLATED}), or waits itself until the channel's
     * previous message is written ({@link Offer#QUEUED}); never {@link Offer#FULL}. See the class
     * comment.
     */
    Offer offerLatest(Object key, M message) {
        int length = size.applyAsInt(message);
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (slots == null) {
                slots = new HashMap<>();
            }
            Slot slot = slots.computeIfAbsent(key, k -> new Slot());
            if (slot.waiting != null) {
                bytes += length - slot.waitingLength;
                slot.waiting = message;
                slot.waitingLength = length;
                if (slot.inPending && pending.remove(slot)) {
                    // to the end, behind what was offered since the message it replaces: an SSE id covers what came before it
                    // (not found: a drain has it in hand, and takes this newest message)
                    pending.add(slot);
                }
                return Offer.CONFLATED;
            }
            slot.waiting = message;
            slot.waitingLength = length;
            count++;
            bytes += length;
            if (slot.inFlight || !schedule(slot)) {
                return Offer.QUEUED;
            }
        }
        transport.execute(drainTask);
        return Offer.QUEUED;
    }

    /** Drops the message of conflated channel {@code key} still waiting, if any, and its slot (the channel is unsubscribed). */
    synchronized void forget(Object key) {
        Slot slot = slots == null ? null : slots.remove(key);
        if (slot != null && slot.waiting != null) {
            if (slot.inPending) {
                pending.remove(slot);
            }
            count--;
            bytes -= slot.waitingLength;
            slot.waiting = null;
            notifyAll();
        }
    }

    /** Puts {@code slot} in the pending list; called holding the lock. Returns whether the caller must schedule a drain. */
    private boolean schedule(Slot slot) {
        slot.inPending = true;
        pending.add(slot);
        if (drainScheduled) {
            return false;
        }
        drainScheduled = true;
        return true;
    }

    /**
     * One conflated channel's place in the queue: its message waiting, and whether its previous one
     * is still being written. Also the completion of that write, so the queue knows when the next
     * may go. Guarded by the queue's lock.
     */
    private final class Slot implements IntConsumer {
        M waiting;
        int waitingLength;
        boolean inPending;
        boolean inFlight;

        @Override
        public void accept(int length) {
            boolean drain;
            synchronized (OutboundQueue.this) {
                count--;
                bytes -= length;
                inFlight = false;
                drain = waiting != null && !inPending && !closed && schedule(this);
                OutboundQueue.this.notifyAll();
            }
            if (drain) {
                transport.execute(drainTask);
            }
        }
    }

    /**
     * Adds a message that fits; called holding the lock. Returns whether the caller must schedule
     * a drain (none is pending), which it does after releasing the lock.
     */
    private boolean enqueue(M message, int length) {
        pending.add(message);
        count++;
        bytes += length;
        if (drainScheduled) {
            return false;
        }
        drainScheduled = true;
        return true;
    }

    /**
     * Waits until a message of {@code length} bytes would fit, or the queue closes, or
     * {@code timeoutMs} passes without room: how a replay of missed events keeps to the pace of
     * the client instead of overflowing the queue. Call it on a thread that may block (never the
     * I/O thread, which is what makes room).
     *
     * @return whether there is room now (an {@link #offer} may still find it taken by others);
     *         {@code false} too when the thread is interrupted, with its interrupt flag kept
     */
    boolean awaitRoom(int length, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (this) {
            while (!closed && (count >= maxEvents || bytes + length > maxBytes) && count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closed;
        }
    }

    /** Bytes queued or being written. */
    synchronized long bytes() {
        return bytes;
    }

    /** Drops everything and refuses further messages. */
    synchronized void close() {
        closed = true;
        pending.clear();
        slots = null;
        notifyAll();
    }

    /**
     * On the I/O thread: hands every message offered so far to the transport, then flushes. The
     * two lists are swapped rather than allocated, and the task and the completion are one object
     * each per queue, so a busy connection makes no garbage here;
     * only the I/O thread touches {@code draining}, and one drain runs at a time.
     */
    @SuppressWarnings("unchecked")
    private void drain() {
        List<Object> batch;
        synchronized (this) {
            batch = pending;
            pending = draining;
            draining = batch;
            drainScheduled = false;
            if (closed) {
                batch.clear();
                return;
            }
        }
        for (Object entry : batch) {
            if (entry instanceof OutboundQueue<?>.Slot) {
                Slot slot = (Slot) entry;
                M message;
                int length;
                synchronized (this) {
                    message = slot.waiting;
                    length = slot.waitingLength;
                    slot.waiting = null;
                    slot.inPending = false;
                    if (message == null || closed) {
                        continue;
                    }
                    slot.inFlight = true;
                }
                transport.write(message, length, slot);
            } else {
                M message = (M) entry;
                transport.write(message, size.applyAsInt(message), written);
            }
        }
        batch.clear();
        transport.flush();
    }

    private synchronized void written(int length) {
        count--;
        bytes -= length;
        notifyAll();
    }
}
