package dev.herald.audit;

/**
 * What the connections of one edge received, as counted by a {@link DeliveryChecker} since it
 * was made. Counts never go down.
 *
 * @param edge            the edge's name, as its connections were {@linkplain DeliveryChecker#subscribed subscribed} with
 * @param received        event frames received, repeats included
 * @param lost            acknowledged events not received within the loss deadline, per connection expected to get them
 * @param late            events received after they were counted lost (still counted lost)
 * @param duplicated      event ids received again on the same connection and channel
 * @param outOfOrder      first receipts below the highest position already received on that connection and channel
 * @param latencySamples  first receipts of acknowledged events, each timed from its publish start
 * @param maxLatencyNanos the longest of those times, in nanoseconds; 0 without any
 */
public record EdgeReport(String edge, long received, long lost, long late, long duplicated, long outOfOrder,
        long latencySamples, long maxLatencyNanos) {

    /** Nothing counted yet for {@code edge}. */
    public static EdgeReport empty(String edge) {
        return new EdgeReport(edge, 0, 0, 0, 0, 0, 0, 0);
    }
}
