package dev.herald.server.limits;

/**
 * What a {@link KeyedRateLimiter} or a {@link PublishLimiter} answers: {@link #ALLOWED}, or a
 * {@link Refusal} that says which limit refused and when to try again.
 *
 * <pre>{@code
 * if (limiter.tryAcquire(key, 1) instanceof Refusal refusal) {
 *     // 429, Retry-After: refusal.retryAfterSeconds()
 * }
 * }</pre>
 */
public sealed interface Decision permits Decision.Allowed, Refusal {

    /** The permits were taken. */
    Decision ALLOWED = Allowed.INSTANCE;

    /** {@code true} when the permits were taken; {@code false} for a {@link Refusal}. */
    default boolean allowed() {
        return this == ALLOWED;
    }

    /** The one allowed answer; a singleton, so allowing allocates nothing. */
    enum Allowed implements Decision {
        INSTANCE
    }
}
