package dev.herald.server.limits;

import java.time.Duration;

/**
 * A limit said no: which one, and how long until trying again can succeed.
 *
 * @param reason          the limit that refused
 * @param retryAfterNanos how long, in nanoseconds, until the refused request would be allowed if
 *                        nothing else took permits meanwhile (for a connection cap, a hint: see
 *                        {@link ConnectionLimiter}); never negative
 */
public record Refusal(LimitReason reason, long retryAfterNanos) implements Decision, Admission {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public Refusal {
        if (reason == null) {
            throw new IllegalArgumentException("a refusal needs a reason");
        }
        if (retryAfterNanos < 0) {
            throw new IllegalArgumentException("retryAfterNanos must not be negative, not " + retryAfterNanos);
        }
    }

    /** {@link #retryAfterNanos()} as a {@link Duration}. */
    public Duration retryAfter() {
        return Duration.ofNanos(retryAfterNanos);
    }

    /** The value of a {@code Retry-After} header for this refusal: see {@link #retryAfterSeconds(long)}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds(retryAfterNanos);
    }

    /**
     * Whole seconds to put in a {@code Retry-After} header (RFC 9110, delay-seconds) for a wait of
     * {@code nanos}: rounded up, so a client that waits that long is not refused again for
     * having come a fraction of a second early, and at least 1, since 0 would invite a retry
     * at once.
     */
    public static long retryAfterSeconds(long nanos) {
        if (nanos <= NANOS_PER_SECOND) {
            return 1;
        }
        return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
    }
}
