package dev.herald.edge.internal;

import dev.herald.server.http.Problem;

/** A replay request the edge will not run, and the problem that answers it. */
final class ReplayRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    private ReplayRefused(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    /** 400 {@code invalid-replay}: the request is malformed or names offsets the log does not have. */
    static ReplayRefused invalid(String detail) {
        return new ReplayRefused(new Problem("invalid-replay", "Invalid replay request", 400, detail));
    }

    /** 409 {@code replay-conflict}: the request cannot run here and now (another runs, another edge or log, a range gone). */
    static ReplayRefused conflict(String detail) {
        return new ReplayRefused(new Problem("replay-conflict", "Replay cannot run", 409, detail));
    }

    Problem problem() {
        return problem;
    }
}
