package dev.herald.ingest.internal;

import java.util.concurrent.Executor;

import dev.herald.server.http.HttpAnswers;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;

/**
 * Ingest's own answers, beside the shared ones of {@link HttpAnswers} (which, like these, may be
 * sent from any thread).
 */
final class Responses {

    static final String NDJSON = "application/x-ndjson";
    /** Set on an answer that repeats the first result of an idempotency key. */
    static final HttpString IDEMPOTENT_REPLAYED = new HttpString("Idempotent-Replayed");

    private Responses() {
    }

    /**
     * Runs {@code task} on {@code workers} and keeps the exchange open until the task (or what it
     * starts) answers. Undertow ends an exchange whose handler returns without being dispatched.
     */
    static void onWorker(HttpServerExchange exchange, Executor workers, Runnable task) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> workers.execute(task));
    }

    /** 201 with the published event, marked {@link #IDEMPOTENT_REPLAYED} when it repeats a first result; or its problem. */
    static void published(HttpServerExchange exchange, PublishOutcome outcome) {
        if (!outcome.isPublished()) {
            HttpAnswers.problem(exchange, outcome.problem());
            return;
        }
        HttpAnswers.send(exchange, 201, HttpAnswers.JSON, Json.bytes(outcome.published().toMap()), headers -> {
            if (outcome.replayed()) {
                headers.put(IDEMPOTENT_REPLAYED, "true");
            }
        });
    }
}
