package dev.herald.bench;

/**
 * What a scenario does to Herald and its subscribers while it measures, and how subscribers
 * answer: with a disturbance, a subscriber whose socket ends reconnects (to the next edge, with
 * back-off while none answers) and resumes each channel from the last position it saw.
 *
 * @param kind           none, client churn, or an edge crash and restart
 * @param churnPerSecond (churn) subscribers that drop their socket per second, picked at random
 * @param offlineMillis  (churn) how long a dropped subscriber stays away before it reconnects
 * @param downMillis     (restart) how long the killed edge stays down before it starts again
 */
record Disturbance(Kind kind, double churnPerSecond, int offlineMillis, int downMillis) {

    enum Kind { NONE, CHURN, RESTART }

    Disturbance {
        if (churnPerSecond < 0 || offlineMillis < 0 || downMillis < 0) {
            throw new IllegalArgumentException("churn per second, offline and down times cannot be negative");
        }
        if (kind == Kind.CHURN && churnPerSecond == 0) {
            throw new IllegalArgumentException("--churn-per-second must be positive for churn");
        }
    }

    static Disturbance none() {
        return new Disturbance(Kind.NONE, 0, 0, 0);
    }

    /** Whether subscribers reconnect and resume when their socket ends. */
    boolean resumes() {
        return kind != Kind.NONE;
    }
}
