package dev.herald.audit;

/**
 * Hears each verdict of a {@link DeliveryChecker} as it is reached, e.g. to export it as metrics.
 * Called under the checker's lock, on whichever thread made the call that reached the verdict:
 * it must be quick and must not call back into the checker.
 */
public interface DeliveryListener {

    /** A listener that does nothing. */
    DeliveryListener NONE = new DeliveryListener() {
    };

    /** {@code outcome} was counted for a connection of {@code edge}, about the event {@code eventId} of {@code channel}. */
    default void counted(DeliveryOutcome outcome, String edge, String channel, String eventId) {
    }

    /** A connection of {@code edge} first received an event {@code nanos} after its publish started. */
    default void latency(String edge, long nanos) {
    }
}
