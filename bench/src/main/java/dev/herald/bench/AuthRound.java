package dev.herald.bench;

/**
 * What one side of {@code bench auth} (one Herald, tokens off or on) measured in one round.
 *
 * @param round       the round, from 1
 * @param tokens      whether tokens were on
 * @param first       whether this side went first in the round
 * @param connections subscribers opened
 * @param openSeconds from the first connection's start to the last {@code subscribed} answer
 * @param none        the edge's memory with no client connection, right before they opened
 * @param idle        with them open and subscribed, before any event
 * @param afterRun    with them idle again after the deliveries run
 * @param deliveries  the deliveries-per-second run to them
 * @param ingest      the single-POST open loop, after they closed
 */
record AuthRound(int round, boolean tokens, boolean first, int connections, double openSeconds, EdgeProcess.Memory none,
                 EdgeProcess.Memory idle, EdgeProcess.Memory afterRun, FanoutResult deliveries, SinglePublishLoad.Result ingest) {

    /** Connections opened, upgraded (their tokens checked, with tokens on) and subscribed per second. */
    double opensPerSec() {
        return connections / openSeconds;
    }

    /** Edge heap per connection before any event, KiB, above the heap without connections. */
    double idleHeapKiB() {
        return kiBPerConnection(idle.heapBytes());
    }

    /** Edge heap per connection after the deliveries run, KiB, above the heap without connections. */
    double afterRunHeapKiB() {
        return kiBPerConnection(afterRun.heapBytes());
    }

    /** The larger of {@link #idleHeapKiB} and {@link #afterRunHeapKiB}: what the heap target is judged on. */
    double heapKiB() {
        return Math.max(idleHeapKiB(), afterRunHeapKiB());
    }

    private double kiBPerConnection(long heapBytes) {
        return (heapBytes - none.heapBytes()) / 1024.0 / connections;
    }
}
