package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/**
 * One connection's messages on their way out, bounded in count and bytes. A message is a
 * WebSocket frame or an SSE event; the queue knows only its size. A message counts against
 * the bounds from the moment it is offered until the transport reports it written, so a slow
 * socket backs up here, where it is measured, and a subscriber past either bound is refused
 * ({@link Offer#FULL}) and must be closed.
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
     * leaves the queue open.
     */
    enum Offer { QUEUED, FULL, SKIPPED, CLOSED }

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
    /** Offered, not yet handed to the transport; swapped with {@link #draining} by each drain. */
    private List<M> pending = new ArrayList<>();
    private List<M> draining = new ArrayList<>();
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
        notifyAll();
    }

    /**
     * On the I/O thread: hands every message offered so far to the transport, then flushes. The
     * two lists are swapped rather than allocated, and the task and the completion are one object
     * each per queue, so a busy connection makes no garbage here;
     * only the I/O thread touches {@code draining}, and one drain runs at a time.
     */
    private void drain() {
        List<M> batch;
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
        for (M message : batch) {
            transport.write(message, size.applyAsInt(message), written);
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
