package dev.herald.audit;

/** What a receipt, or a deadline passing, came to for one connection; {@link DeliveryChecker} says when each is counted. */
public enum DeliveryOutcome {
    /** An event frame arrived; every receipt, repeats included. */
    RECEIVED,
    /** An acknowledged event did not arrive within the loss deadline. Final. */
    LOST,
    /** The first receipt of an event already counted lost on that connection. */
    LATE,
    /** An event id arrived again on the same connection and channel. */
    DUPLICATED,
    /** A first receipt below the highest position already received on that connection and channel. */
    OUT_OF_ORDER
}
