package dev.herald.server.limits;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One open connection, counted against its address's cap by the {@link ConnectionLimiter} that
 * admitted it until {@link #release()}.
 *
 * <p>Release exactly when the connection ends, however it ends; releasing again, from any thread,
 * does nothing. A lease is about 24 bytes (its address is shared with the connection).
 */
public final class ConnectionLease implements Admission, AutoCloseable {

    /** The lease of a limiter without a cap: nothing is counted, so nothing is released. */
    static final ConnectionLease UNCOUNTED = new ConnectionLease(null, null);

    private static final AtomicIntegerFieldUpdater<ConnectionLease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(ConnectionLease.class, "released");

    private final ConnectionLimiter<?> limiter;
    private final Object address;
    private volatile int released;

    ConnectionLease(ConnectionLimiter<?> limiter, Object address) {
        this.limiter = limiter;
        this.address = address;
    }

    /** Uncounts the connection, the first time; idempotent and thread-safe. */
    public void release() {
        if (limiter != null && RELEASED.compareAndSet(this, 0, 1)) {
            limiter.release(address);
        }
    }

    /** {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /** {@code true} once {@link #release()} has uncounted the connection (never for an uncounted lease). */
    public boolean released() {
        return released != 0;
    }
}
