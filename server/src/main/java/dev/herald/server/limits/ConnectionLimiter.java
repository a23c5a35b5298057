package dev.herald.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Per client address, a cap on open connections and a {@link Rate} of new ones; an edge asks
 * before it upgrades a request to a WebSocket or an SSE stream, and answers a refusal with 429.
 *
 * <p>{@link #tryOpen} first checks the cap: at it, the answer is a {@link Refusal} of
 * {@link LimitReason#CONNECTIONS} whose wait is a hint of {@value #CAP_RETRY_AFTER_SECONDS}
 * second (when room frees depends on when one of the address's connections closes, which
 * nothing can tell). Below it, the connection takes a permit of the address's new-connection
 * bucket ({@link KeyedRateLimiter}); without one the answer is a {@link Refusal} of
 * {@link LimitReason#NEW_CONNECTIONS} with the time until one refills, and the connection is not
 * counted. Otherwise the answer is a {@link ConnectionLease}, counted until it is released.
 * A refused open leaves no count behind, and takes no new-connection permit when the cap refused
 * it.
 *
 * <p>Memory is bounded: an address has a count only while it has open connections (releasing
 * its last one removes it, so counts never outnumber open connections), and the new-connection
 * buckets are in a cache of at most {@code maxKeys} addresses (an evicted address starts again
 * with a full bucket).
 *
 * <p>Thread-safe: any thread may open and release. The cap holds exactly under concurrent opens;
 * for a moment, between counting a connection and its rate check, a connection that the rate
 * then refuses holds a place under the cap.
 *
 * @param <K> the address type (e.g. {@link java.net.InetAddress}); its {@code equals} and
 *            {@code hashCode} define what one address is
 */
public final class ConnectionLimiter<K> {

    /** The wait, in seconds, suggested to an address at its cap. */
    public static final long CAP_RETRY_AFTER_SECONDS = 1;

    private static final long CAP_RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(CAP_RETRY_AFTER_SECONDS);

    /*
     * Design: the counts are immutable Integers in a ConcurrentHashMap, changed by compare-and-set
     * loops (putIfAbsent, replace, remove with the expected value), so an increment and the
     * removal of a count that reached zero cannot interleave wrongly: a count is either in the map
     * and at least 1, or absent. Keys are held as Object so that a lease, which does not know K,
     * can release its own.
     */

    private final int maxPerAddress;
    private final KeyedRateLimiter<K> newConnections;
    private final LimitRefusals refusals;
    private final ConcurrentHashMap<Object, Integer> open = new ConcurrentHashMap<>();

    /**
     * @param maxPerAddress  most open connections of one address; 0 for no cap
     * @param newConnections the rate of new connections per address; {@link Rate#UNLIMITED} for none
     * @param maxKeys        most addresses with a new-connection bucket at once
     * @param ticker         the clock, in nanoseconds
     * @param refusals       where refusals are counted
     */
    public ConnectionLimiter(int maxPerAddress, Rate newConnections, long maxKeys, Ticker ticker, LimitRefusals refusals) {
        if (maxPerAddress < 0) {
            throw new IllegalArgumentException("maxPerAddress must be 0 (no cap) or more, not " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
        this.newConnections = new KeyedRateLimiter<>(LimitReason.NEW_CONNECTIONS, newConnections, maxKeys, ticker, refusals);
        this.refusals = refusals;
    }

    /**
     * Asks to open a connection from {@code address}, as the class comment says.
     *
     * @return a {@link ConnectionLease} to release when the connection ends, or a {@link Refusal}
     */
    public Admission tryOpen(K address) {
        if (maxPerAddress == 0) {
            return newConnections.tryAcquire(address, 1) instanceof Refusal refusal ? refusal : ConnectionLease.UNCOUNTED;
        }
        if (!increment(address)) {
            refusals.record(LimitReason.CONNECTIONS);
            return new Refusal(LimitReason.CONNECTIONS, CAP_RETRY_AFTER_NANOS);
        }
        if (newConnections.tryAcquire(address, 1) instanceof Refusal refusal) {
            release(address);
            return refusal;
        }
        return new ConnectionLease(this, address);
    }

    /** How many connections of {@code address} are open (0 when there is no cap: nothing is counted). */
    public int openConnections(K address) {
        Integer n = open.get(address);
        return n == null ? 0 : n;
    }

    /** How many addresses have open connections (0 when there is no cap). */
    public int addresses() {
        return open.size();
    }

    /** About how many addresses have a new-connection bucket now. */
    public long estimatedRateKeys() {
        return newConnections.estimatedKeys();
    }

    /** Runs pending evictions of new-connection buckets now; for tests. */
    void cleanUp() {
        newConnections.cleanUp();
    }

    private boolean increment(Object address) {
        while (true) {
            Integer n = open.get(address);
            if (n == null) {
                if (open.putIfAbsent(address, 1) == null) {
                    return true;
                }
            } else if (n >= maxPerAddress) {
                return false;
            } else if (open.replace(address, n, n + 1)) {
                return true;
            }
        }
    }

    /** Uncounts one connection of {@code address}; called once per counted connection. */
    void release(Object address) {
        while (true) {
            Integer n = open.get(address);
            if (n == null) {
                throw new IllegalStateException("released a connection of " + address + " that was not counted");
            }
            if (n == 1 ? open.remove(address, n) : open.replace(address, n, n - 1)) {
                return;
            }
        }
    }
}
