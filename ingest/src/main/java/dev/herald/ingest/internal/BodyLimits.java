package dev.herald.ingest.internal;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Reads the declared size of a request body. */
final class BodyLimits {

    private BodyLimits() {
    }

    /** The Content-Length of the request, or -1 when absent (chunked) or unreadable. */
    static long declaredLength(HttpServerExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
