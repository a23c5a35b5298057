package dev.herald.ingest.internal;

import java.nio.ByteBuffer;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Sends answers on an exchange's own I/O thread, from whatever thread the answer is ready on.
 * Undertow's exchange is not safe to touch from two threads at once; hopping to its I/O thread
 * keeps each exchange single-threaded.
 */
final class Responses {

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    private Responses() {
    }

    /**
     * Runs {@code task} on {@code workers} and keeps the exchange open until the task (or what it
     * starts) answers. Undertow ends an exchange whose handler returns without being dispatched.
     */
    static void onWorker(HttpServerExchange exchange, java.util.concurrent.Executor workers, Runnable task) {
        exchange.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () -> workers.execute(task));
    }

    static void json(HttpServerExchange exchange, int status, Object body) {
        send(exchange, status, JSON, Json.bytes(body), 0, false);
    }

    static void published(HttpServerExchange exchange, PublishOutcome outcome) {
        if (outcome.isPublished()) {
            send(exchange, 201, JSON, Json.bytes(outcome.published().toMap()), 0, outcome.replayed());
        } else {
            problem(exchange, outcome.problem());
        }
    }

    static void problem(HttpServerExchange exchange, Problem problem) {
        send(exchange, problem.status(), Problem.MEDIA_TYPE, Json.bytes(problem.toMap()), problem.retryAfterSeconds(), false);
    }

    static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) {
        send(exchange, status, contentType, body, 0, false);
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, byte[] body,
                             int retryAfterSeconds, boolean replayed) {
        Runnable write = () -> {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            if (retryAfterSeconds > 0) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Integer.toString(retryAfterSeconds));
            }
            if (replayed) {
                exchange.getResponseHeaders().put(IDEMPOTENT_REPLAYED, "true");
            }
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        };
        if (exchange.isInIoThread()) {
            write.run();
        } else {
            exchange.getIoThread().execute(write);
        }
    }

    /** Set on an answer that repeats the first result of an idempotency key. */
    static final io.undertow.util.HttpString IDEMPOTENT_REPLAYED = new io.undertow.util.HttpString("Idempotent-Replayed");
}
