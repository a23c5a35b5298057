package dev.herald.server.limits;

/**
 * What {@link ConnectionLimiter#tryOpen} answers: a {@link ConnectionLease} to hold while the
 * connection is open, or a {@link Refusal} ({@link LimitReason#CONNECTIONS} or
 * {@link LimitReason#NEW_CONNECTIONS}).
 *
 * <pre>{@code
 * Admission admission = connections.tryOpen(address);
 * if (admission instanceof Refusal refusal) {
 *     // 429 before the upgrade, Retry-After: refusal.retryAfterSeconds()
 *     return;
 * }
 * ConnectionLease lease = (ConnectionLease) admission; // release() when the connection ends
 * }</pre>
 */
public sealed interface Admission permits ConnectionLease, Refusal {

    /** {@code true} for a {@link ConnectionLease}; {@code false} for a {@link Refusal}. */
    default boolean admitted() {
        return this instanceof ConnectionLease;
    }
}
