package dev.herald.edge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The edge's HTTP error answers: RFC 9457 problem details, {@code type} =
 * {@code urn:herald:problem:<slug>}, the same shape as ingest's.
 */
final class HttpProblems {

    private HttpProblems() {
    }

    /** Ends {@code ex} with {@code status} and a problem body. */
    static void send(HttpServerExchange ex, int status, String slug, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:herald:problem:" + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        String json;
        try {
            json = Frames.JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/problem+json");
        ex.getResponseSender().send(json);
    }
}
