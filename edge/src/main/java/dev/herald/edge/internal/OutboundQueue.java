package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's frames on their way out, bounded in count and bytes. A frame counts against
 * the bounds from the moment it is offered until the transport reports it written, so a slow
 * socket backs up here, where it is measured, and a subscriber past either bound is refused
 * ({@link Offer#FULL}) and must be closed.
 *
 * <p>Frames are written in batches: one task on the connection's I/O thread hands every frame
 * queued so far to the transport, without waiting for each write to finish first.
 *
 * <p>Thread-safe: offers come from the poll thread and resume workers, completions from the
 * connection's I/O thread.
 */
final class OutboundQueue {

    /** What happened to an offered frame. */
    enum Offer { QUEUED, FULL, CLOSED }

    /** The connection's transport. */
    interface Transport {
        /** Runs {@code task} on the connection's I/O thread. */
        void execute(Runnable task);

        /** Writes one frame (on the I/O thread) and calls {@code written} when it is out, or failed. */
        void write(byte[] frame, Runnable written);
    }

    private final int maxEvents;
    private final long maxBytes;
    private final Transport transport;
    private List<byte[]> pending = new ArrayList<>();
    private int count;
    private long bytes;
    private boolean drainScheduled;
    private boolean closed;

    OutboundQueue(int maxEvents, long maxBytes, Transport transport) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.transport = transport;
    }

    /**
     * Queues {@code frame}. Returns {@link Offer#FULL} (and closes the queue) if it would go past
     * either bound: the connection is too slow and must be closed.
     */
    Offer offer(byte[] frame) {
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (count >= maxEvents || bytes + frame.length > maxBytes) {
                close();
                return Offer.FULL;
            }
            pending.add(frame);
            count++;
            bytes += frame.length;
            if (drainScheduled) {
                return Offer.QUEUED;
            }
            drainScheduled = true;
        }
        transport.execute(this::drain);
        return Offer.QUEUED;
    }

    /** Bytes queued or being written. */
    synchronized long bytes() {
        return bytes;
    }

    /** Drops everything and refuses further frames. */
    synchronized void close() {
        closed = true;
        pending = new ArrayList<>();
    }

    private void drain() {
        List<byte[]> batch;
        synchronized (this) {
            batch = pending;
            pending = new ArrayList<>();
            drainScheduled = false;
            if (closed) {
                return;
            }
        }
        for (byte[] frame : batch) {
            transport.write(frame, () -> written(frame.length));
        }
    }

    private synchronized void written(int length) {
        count--;
        bytes -= length;
    }
}
