package dev.herald.fanout;

import java.util.concurrent.TimeUnit;

/**
 * Why an edge's consumer is or is not ready, from what its poll thread reports: the first full
 * assignment, a failing store, a failed consumer being replaced, a poll loop that stopped turning,
 * and offset commits that keep failing. A commit failure alone is retried with the next commit (a commit carries every offset
 * handed off so far); only commits failing for longer than {@link #COMMIT_FAILING_NOT_READY_NS}
 * make the edge not ready, since then a restart would re-read more and more of the log.
 *
 * <p>Thread-safe: written by the poll thread, read by any.
 */
final class ConsumerHealth {

    /** A poll loop that has not turned for this long makes the edge not ready. */
    static final long STALLED_NS = TimeUnit.SECONDS.toNanos(30);
    /** Commits failing this long make the edge not ready. */
    static final long COMMIT_FAILING_NOT_READY_NS = TimeUnit.SECONDS.toNanos(10);

    private volatile boolean assigned;
    private volatile String storeProblem;
    private volatile String consumerProblem;
    /** {@link System#nanoTime()} of the first failure of the current run of failed commits; 0 while commits succeed. */
    private volatile long commitsFailingSinceNs;
    private volatile String lastCommitError;
    /** {@link System#nanoTime()} of the poll loop's last turn; 0 before the first. */
    private volatile long lastPollNs;

    void polled(long nowNs) {
        lastPollNs = nowNs;
    }

    void assigned() {
        assigned = true;
    }

    void storeFailing(String reason) {
        storeProblem = reason;
    }

    void storeWorking() {
        storeProblem = null;
    }

    void consumerFailed(String reason) {
        consumerProblem = reason;
    }

    void consumerWorking() {
        consumerProblem = null;
    }

    void commitFailed(String error, long nowNs) {
        lastCommitError = error;
        if (commitsFailingSinceNs == 0) {
            commitsFailingSinceNs = nowNs == 0 ? 1 : nowNs;
        }
    }

    void commitSucceeded() {
        commitsFailingSinceNs = 0;
    }

    /** Why the consumer is not ready at {@code nowNs}, or {@code null} when it is. */
    String notReadyReason(long nowNs) {
        if (!assigned) {
            return "starting";
        }
        String consumer = consumerProblem;
        if (consumer != null) {
            return consumer;
        }
        long polled = lastPollNs;
        if (polled != 0 && nowNs - polled > STALLED_NS) {
            return "poll loop stalled for " + TimeUnit.NANOSECONDS.toSeconds(nowNs - polled) + " s";
        }
        String store = storeProblem;
        if (store != null) {
            return store;
        }
        long since = commitsFailingSinceNs;
        if (since != 0 && nowNs - since > COMMIT_FAILING_NOT_READY_NS) {
            return "offset commits failing for " + TimeUnit.NANOSECONDS.toSeconds(nowNs - since) + " s: " + lastCommitError;
        }
        return null;
    }
}
