package dev.herald.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * Ends an Undertow exchange with an answer, from whatever thread the answer is ready on: the
 * answer is written on the exchange's own I/O thread (at once when called there), since an
 * exchange must not be touched from two threads at once. Each method ends the exchange; call one
 * per exchange.
 */
public final class HttpAnswers {

    /** The media type of a JSON body. */
    public static final String JSON = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Consumer<HeaderMap> NO_HEADERS = headers -> {
    };

    private HttpAnswers() {
    }

    /** Answers {@code status} with {@code body} of {@code contentType}. */
    public static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) {
        send(exchange, status, contentType, body, NO_HEADERS);
    }

    /**
     * Answers {@code status} with {@code body} of {@code contentType}, and the headers
     * {@code headers} adds (it runs on the exchange's I/O thread, after the content type is set).
     */
    public static void send(HttpServerExchange exchange, int status, String contentType, byte[] body, Consumer<HeaderMap> headers) {
        Runnable write = () -> {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            headers.accept(exchange.getResponseHeaders());
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        };
        if (exchange.isInIoThread()) {
            write.run();
        } else {
            exchange.getIoThread().execute(write);
        }
    }

    /** Answers 204 No Content: done, nothing to say. */
    public static void noContent(HttpServerExchange exchange) {
        Runnable write = () -> {
            exchange.setStatusCode(204);
            exchange.endExchange();
        };
        if (exchange.isInIoThread()) {
            write.run();
        } else {
            exchange.getIoThread().execute(write);
        }
    }

    /** Answers {@code status} with {@code body} written as JSON (Jackson's defaults; give maps in the order wanted). */
    public static void json(HttpServerExchange exchange, int status, Object body) {
        send(exchange, status, JSON, jsonBytes(body));
    }

    /** {@link #json(HttpServerExchange, int, Object)} with the headers {@code headers} adds. */
    public static void json(HttpServerExchange exchange, int status, Object body, Consumer<HeaderMap> headers) {
        send(exchange, status, JSON, jsonBytes(body), headers);
    }

    /** Answers with {@code problem}: its status, its JSON body, and {@code Retry-After} when it has one. */
    public static void problem(HttpServerExchange exchange, Problem problem) {
        problem(exchange, problem, NO_HEADERS);
    }

    /** {@link #problem(HttpServerExchange, Problem)} with the headers {@code headers} adds. */
    public static void problem(HttpServerExchange exchange, Problem problem, Consumer<HeaderMap> headers) {
        send(exchange, problem.status(), Problem.MEDIA_TYPE, jsonBytes(problem.toMap()), h -> {
            if (problem.retryAfterSeconds() > 0) {
                h.put(Headers.RETRY_AFTER, Integer.toString(problem.retryAfterSeconds()));
            }
            headers.accept(h);
        });
    }

    /**
     * Answers 405 with {@link Problem#methodNotAllowed} and {@code Allow: allowed}.
     *
     * @param allowed the methods the path takes, as the {@code Allow} header lists them ({@code GET})
     * @param detail  what was wrong, for the problem's {@code detail}
     */
    public static void methodNotAllowed(HttpServerExchange exchange, String allowed, String detail) {
        Problem problem = Problem.methodNotAllowed(detail);
        send(exchange, problem.status(), Problem.MEDIA_TYPE, jsonBytes(problem.toMap()), headers -> headers.put(Headers.ALLOW, allowed));
    }

    private static byte[] jsonBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON in memory failed", e);
        }
    }
}
