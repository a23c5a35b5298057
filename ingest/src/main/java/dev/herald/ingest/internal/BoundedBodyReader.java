package dev.herald.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Reads a request body without blocking, up to a limit. A body over the limit, whether its size
 * was declared or it arrives chunked, ends in {@code onTooLarge} with the connection marked to
 * close, so the client gets a 413 answer instead of a reset connection.
 */
final class BoundedBodyReader {

    private BoundedBodyReader() {
    }

    /**
     * @param limit      the largest body accepted, in bytes
     * @param onBody     receives the whole body
     * @param onTooLarge called once if the body is over {@code limit}
     * @param onError    called if reading fails
     */
    static void read(HttpServerExchange exchange, int limit, BiConsumer<HttpServerExchange, byte[]> onBody,
                     Consumer<HttpServerExchange> onTooLarge, BiConsumer<HttpServerExchange, Exception> onError) {
        long declared = BodyLimits.declaredLength(exchange);
        if (declared > limit) {
            tooLarge(exchange, onTooLarge);
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        boolean[] over = {false};
        exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
            if (over[0]) {
                return;
            }
            if (body.size() + chunk.length > limit) {
                over[0] = true;
                tooLarge(ex, onTooLarge);
                return;
            }
            body.writeBytes(chunk);
            if (last) {
                onBody.accept(ex, body.toByteArray());
            }
        }, onError::accept);
    }

    private static void tooLarge(HttpServerExchange exchange, Consumer<HttpServerExchange> onTooLarge) {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        onTooLarge.accept(exchange);
    }
}
