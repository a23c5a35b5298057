package dev.herald.bench;

/**
 * One measured fanout run ({@link FanoutRun}): events published to one channel, and what its
 * subscribers received.
 *
 * @param subscribers      WebSocket connections subscribed to the channel
 * @param published        events ingest accepted (201 durable: acknowledged by Kafka; 202 ephemeral: sent)
 * @param failed           events ingest did not accept
 * @param received         events received by all subscribers, repeats included
 * @param repeats          events a subscriber received again
 * @param missing          receipts that never came: subscribers times accepted events, less distinct receipts
 * @param seconds          from the first publish to the last receipt (or to the wait's end)
 * @param publishedPerSec  events published per second while publishing
 * @param latency          publish-to-receipt latency of every receipt, from the event's due time
 * @param firstReceipt     the same, of each event's first receipt on any connection only
 */
record FanoutResult(int subscribers, long published, long failed, long received, long repeats, long missing,
                    double seconds, double publishedPerSec, LatencySummary latency,
                    LatencySummary firstReceipt) {

    /** Receipts expected: every accepted event, once to every subscriber. */
    long expected() {
        return published * subscribers;
    }

    /** Receipts per second over the run. */
    double deliveriesPerSec() {
        return received / seconds;
    }

    /** Whether every subscriber got every accepted event once, and every publish was accepted. */
    boolean complete() {
        return failed == 0 && repeats == 0 && missing == 0 && received == expected();
    }
}
