package dev.herald.bench;

import java.io.IOException;

/**
 * The ephemeral lane's counters at one moment, read from ingest's and the edge's metrics: where
 * each ephemeral event went. Differences of two readings ({@link #since}) account for one
 * measurement.
 *
 * @param sent            datagrams ingest sent ({@code herald_ephemeral_sent_total{result="sent"}})
 * @param received        datagrams the edge accepted ({@code herald_ephemeral_received_total})
 * @param dropped         datagrams the edge read and dropped, all reasons ({@code herald_ephemeral_dropped_total})
 * @param lost            sequence gaps the edge counted ({@code herald_ephemeral_lost_total}): its own view of
 *                        {@link #unread}, up to the 64 sequences of the sender's window still open
 * @param skippedBacklog  frames skipped because a connection's I/O thread was behind
 * @param skippedQueue    frames skipped because a connection's queue was over half full
 * @param slowCloses      connections closed as too slow ({@code herald_edge_slow_consumer_closes_total})
 */
record LaneCounters(long sent, long received, long dropped, long lost, long skippedBacklog, long skippedQueue, long slowCloses) {

    static LaneCounters read(String ingestUrl, String edgeUrl) throws IOException, InterruptedException {
        MetricsScrape ingest = MetricsScrape.of(ingestUrl);
        MetricsScrape edge = MetricsScrape.of(edgeUrl);
        return new LaneCounters((long) ingest.get("herald_ephemeral_sent_total{result=\"sent\"}"),
                (long) edge.get("herald_ephemeral_received_total"),
                (long) edge.sum("herald_ephemeral_dropped_total"),
                (long) edge.get("herald_ephemeral_lost_total"),
                (long) edge.get("herald_edge_ephemeral_skipped_total{reason=\"backlog\"}"),
                (long) edge.get("herald_edge_ephemeral_skipped_total{reason=\"queue\"}"),
                (long) edge.get("herald_edge_slow_consumer_closes_total"));
    }

    /** What happened between {@code earlier} and this reading. */
    LaneCounters since(LaneCounters earlier) {
        return new LaneCounters(sent - earlier.sent, received - earlier.received, dropped - earlier.dropped, lost - earlier.lost,
                skippedBacklog - earlier.skippedBacklog, skippedQueue - earlier.skippedQueue, slowCloses - earlier.slowCloses);
    }

    /** Datagrams sent that the edge never read: lost on the way or in its socket's receive buffer. */
    long unread() {
        return Math.max(0, sent - received - dropped);
    }
}
