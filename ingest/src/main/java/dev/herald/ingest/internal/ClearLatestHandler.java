package dev.herald.ingest.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.herald.ingest.internal.IngestMetrics.Result;
import dev.herald.schemas.ChannelName;
import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;

/**
 * {@code DELETE /v1/channels/{channel}/latest}: clears the channel's latest value. Answers
 * {@code 204} once the clear is in the log ({@link Publisher#clearLatest}), in order with the
 * channel's events: an event published before it is no longer the latest, one published after it
 * is. The same rules as publishing to the channel apply: its name (400), the token's
 * {@code herald.pub} permission (403), the publisher's rate (429, counted as one event of no
 * bytes), the log being reachable (503). A request body is not read.
 */
final class ClearLatestHandler {

    private final Publisher publisher;
    private final IngestMetrics metrics;
    private final Executor workers;
    private final IngestAuth auth;
    private final PublishQuota quota;

    ClearLatestHandler(Publisher publisher, IngestMetrics metrics, Executor workers, IngestAuth auth, PublishQuota quota) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.workers = workers;
        this.auth = auth;
        this.quota = quota;
    }

    /** Clears {@code channel}'s latest value if {@code grants} allow publishing to it. */
    void handle(HttpServerExchange exchange, String channel, Grants grants) {
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            metrics.latestClear(Result.INVALID);
            HttpAnswers.problem(exchange, IngestProblems.invalidChannel(violation));
            return;
        }
        Problem forbidden = auth.publishProblem(grants, channel);
        if (forbidden != null) {
            metrics.latestClear(Result.FORBIDDEN);
            AuthAnswers.forbidden(exchange, forbidden);
            return;
        }
        if (!quota.take(exchange, grants, 1, 0)) {
            metrics.latestClear(Result.LIMITED);
            return;
        }
        Responses.onWorker(exchange, workers, () -> publisher.clearLatest(channel)
                .completeOnTimeout(publisher.clearTimedOut(), publisher.deadlineMs(), TimeUnit.MILLISECONDS)
                .thenAccept(problem -> {
                    if (problem == null) {
                        HttpAnswers.noContent(exchange);
                    } else {
                        HttpAnswers.problem(exchange, problem);
                    }
                }));
    }
}
