package dev.herald.ingest.internal;

import dev.herald.server.http.Problem;

/**
 * How one publish ended: acknowledged ({@link #published()} set) or refused ({@link #problem()} set).
 *
 * @param published the acknowledged event, or {@code null}
 * @param problem   why it was not written, or {@code null}
 * @param replayed  whether this answers a repeated idempotency key with the first result
 */
public record PublishOutcome(Published published, Problem problem, boolean replayed) {

    static PublishOutcome created(Published published) {
        return new PublishOutcome(published, null, false);
    }

    static PublishOutcome replayed(Published published) {
        return new PublishOutcome(published, null, true);
    }

    static PublishOutcome refused(Problem problem) {
        return new PublishOutcome(null, problem, false);
    }

    public boolean isPublished() {
        return published != null;
    }
}
