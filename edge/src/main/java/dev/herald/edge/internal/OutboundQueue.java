package dev.herald.edge.internal;

import java.util.ArrayDeque;

/**
 * One connection's frames waiting to be written, bounded in count and bytes, written one at a
 * time: the next write starts when the previous one completes, so a slow socket backs up here,
 * where it is counted, and not in unbounded transport buffers.
 *
 * <p>Thread-safe: offers come from the poll thread and resume workers, completions from the
 * connection's I/O thread.
 */
final class OutboundQueue {

    /** What happened to an offered frame. */
    enum Offer { QUEUED, FULL, CLOSED }

    /** Writes one frame and calls back when it is written (or failed). */
    interface Writer {
        void write(byte[] frame, Runnable done);
    }

    private final int maxEvents;
    private final long maxBytes;
    private final Writer writer;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long bytes;
    private boolean writing;
    private boolean closed;

    OutboundQueue(int maxEvents, long maxBytes, Writer writer) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.writer = writer;
    }

    /**
     * Queues {@code frame}. Returns {@link Offer#FULL} (and closes the queue) if it would go past
     * either bound: the connection is too slow and must be closed.
     */
    Offer offer(byte[] frame) {
        byte[] first;
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (frames.size() >= maxEvents || bytes + frame.length > maxBytes) {
                closed = true;
                frames.clear();
                bytes = 0;
                return Offer.FULL;
            }
            frames.addLast(frame);
            bytes += frame.length;
            if (writing) {
                return Offer.QUEUED;
            }
            writing = true;
            first = frames.peekFirst();
        }
        writer.write(first, this::written);
        return Offer.QUEUED;
    }

    /** Bytes waiting, including the frame being written. */
    synchronized long bytes() {
        return bytes;
    }

    /** Drops everything and refuses further frames. */
    synchronized void close() {
        closed = true;
        frames.clear();
        bytes = 0;
    }

    private void written() {
        byte[] next;
        synchronized (this) {
            byte[] done = frames.pollFirst();
            if (done != null) {
                bytes -= done.length;
            }
            next = closed ? null : frames.peekFirst();
            if (next == null) {
                writing = false;
                return;
            }
        }
        writer.write(next, this::written);
    }
}
