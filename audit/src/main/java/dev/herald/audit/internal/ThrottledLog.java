package dev.herald.audit.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs a recurring condition without flooding the log: the first occurrence at once, then at
 * most one line per {@value #INTERVAL_S} seconds, saying how many occurrences it stands for.
 * Thread-safe.
 */
public final class ThrottledLog {

    static final long INTERVAL_S = 10;

    private final Logger log;
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    public ThrottledLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} as a warning, unless one was logged within the interval (then counts it). */
    public void warn(String message, Object... args) {
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(INTERVAL_S))) {
            unlogged.incrementAndGet();
            return;
        }
        long more = unlogged.getAndSet(0);
        log.warn(more == 0 ? message : message + " (and " + more + " more like it since the last such line)", args);
    }
}
