package dev.herald.lane;

/**
 * The sequences a receiver has seen from one sender, within a window of the latest
 * {@value #WINDOW}: tells a new datagram from a replayed one, and counts as lost each sequence
 * that leaves the window unseen. Datagrams may arrive out of order within the window.
 *
 * <p>Not thread-safe: the receiver's thread owns it.
 */
final class SenderWindow {

    /** Sequences tracked behind the latest. */
    static final int WINDOW = 64;

    private long latest = -1;
    /** Bit {@code i} set: {@code latest - i} was seen. */
    private long seen;
    private long lost;
    private long lastHeardMs;

    /** Records {@code sequence}; {@code false} if it was seen already or is too old to tell. */
    boolean accept(long sequence, long nowMs) {
        lastHeardMs = nowMs;
        if (latest < 0) {
            // what came before the first datagram heard is not this receiver's to miss
            latest = sequence;
            seen = -1L;
            return true;
        }
        if (sequence > latest) {
            long shift = sequence - latest;
            if (shift >= WINDOW) {
                lost += WINDOW - Long.bitCount(seen) + (shift - WINDOW);
                seen = 1;
            } else {
                long leaving = seen >>> (WINDOW - shift);
                lost += shift - Long.bitCount(leaving);
                seen = (seen << shift) | 1;
            }
            latest = sequence;
            return true;
        }
        long back = latest - sequence;
        if (back >= WINDOW) {
            return false;
        }
        long bit = 1L << back;
        if ((seen & bit) != 0) {
            return false;
        }
        seen |= bit;
        return true;
    }

    /** Sequences that left the window without being seen, so far. */
    long lost() {
        return lost;
    }

    long lastHeardMs() {
        return lastHeardMs;
    }
}
