package dev.herald.ingest.internal;

import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.herald.ingest.internal.IngestMetrics.Api;
import dev.herald.ingest.internal.IngestMetrics.Result;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.InvalidInputException;
import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * {@code POST /v1/channels/{channel}/events}: one event, the body is its payload.
 *
 * <p>Checks run on the I/O thread before the body is read (channel, durability, idempotency
 * key, declared size); the body is read without blocking; the Kafka hand-off runs on a worker;
 * the answer goes back on the I/O thread.
 */
final class PublishHandler {

    static final HttpString IDEMPOTENCY_KEY = new HttpString("Idempotency-Key");
    static final HttpString CE_TYPE = new HttpString("Ce-Type");

    private final Publisher publisher;
    private final EphemeralPublisher ephemeral;
    private final IngestMetrics metrics;
    private final Executor workers;
    private final int maxBodyBytes;
    private final IngestAuth auth;
    private final PublishQuota quota;

    PublishHandler(Publisher publisher, EphemeralPublisher ephemeral, IngestMetrics metrics, Executor workers, int maxBodyBytes,
                   IngestAuth auth, PublishQuota quota) {
        this.auth = auth;
        this.quota = quota;
        this.publisher = publisher;
        this.ephemeral = ephemeral;
        this.metrics = metrics;
        this.workers = workers;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Publishes the body to {@code channel} if {@code grants} allow it (else 403, the body unread). */
    void handle(HttpServerExchange exchange, String channel, Grants grants) {
        Problem problem = check(exchange, channel);
        if (problem != null) {
            refuse(exchange, problem);
            return;
        }
        Problem forbidden = auth.publishProblem(grants, channel);
        if (forbidden != null) {
            metrics.publish(Api.SINGLE, Result.FORBIDDEN);
            AuthAnswers.forbidden(exchange, forbidden);
            return;
        }
        boolean toLane = "ephemeral".equals(durability(exchange));
        String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
        String type = exchange.getRequestHeaders().getFirst(CE_TYPE);
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        BoundedBodyReader.read(exchange, maxBodyBytes,
                (ex, body) -> {
                    if (body.length == 0) {
                        refuse(ex, IngestProblems.invalidBody("the request body is empty; send the event payload as the body"));
                        return;
                    }
                    if (!quota.take(ex, grants, 1, body.length)) {
                        metrics.publish(Api.SINGLE, Result.LIMITED);
                        return;
                    }
                    if (toLane) {
                        // a datagram send does not wait for anyone: no worker needed
                        EphemeralPublisher.Outcome outcome = ephemeral.publish(Api.SINGLE, channel, key,
                                type != null ? type : Event.DEFAULT_TYPE, contentType, body);
                        if (outcome.problem() != null) {
                            HttpAnswers.problem(ex, outcome.problem());
                        } else {
                            HttpAnswers.json(ex, 202, outcome.accepted());
                        }
                        return;
                    }
                    Responses.onWorker(ex, workers, () -> publisher
                            .publish(Api.SINGLE, channel, key, type != null ? type : Event.DEFAULT_TYPE, contentType, body)
                            .completeOnTimeout(publisher.timedOut(), publisher.deadlineMs(), TimeUnit.MILLISECONDS)
                            .thenAccept(outcome -> Responses.published(ex, outcome)));
                },
                ex -> refuse(ex, tooLarge()),
                (ex, error) -> refuse(ex, IngestProblems.invalidBody("the request body could not be read: " + error.getMessage())));
    }

    private Problem check(HttpServerExchange exchange, String channel) {
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            return IngestProblems.invalidChannel(violation);
        }
        String durability = durability(exchange);
        if (durability != null && !durability.equals("durable") && !durability.equals("ephemeral")) {
            return IngestProblems.invalidBody("durability must be 'durable' or 'ephemeral', was '" + durability + "'");
        }
        String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
        if (key != null) {
            try {
                EventId.requireValid(key);
            } catch (InvalidInputException e) {
                return IngestProblems.invalidIdempotencyKey("Idempotency-Key: " + e.getMessage());
            }
        }
        String type = exchange.getRequestHeaders().getFirst(CE_TYPE);
        if (type != null && (type.isBlank() || type.length() > 255)) {
            return IngestProblems.invalidBody("Ce-Type must be 1 to 255 characters");
        }
        return null;
    }

    private Problem tooLarge() {
        return IngestProblems.payloadTooLarge("the event body is over publish.max.body.bytes = " + maxBodyBytes + " bytes");
    }

    private void refuse(HttpServerExchange exchange, Problem problem) {
        metrics.publish(Api.SINGLE, problem.status() == 413 ? Result.TOO_LARGE : Result.INVALID);
        HttpAnswers.problem(exchange, problem);
    }

    private static String durability(HttpServerExchange exchange) {
        Deque<String> values = exchange.getQueryParameters().get("durability");
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
