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
 *
 * <p>Why the rest of an oversized body is read first: a server that answers and closes while the
 * client is still sending leaves unread bytes in its socket, and the kernel then resets the
 * connection, often before the client has read the answer (it sees no response at all). So a body
 * up to {@value #DRAIN_FACTOR} times the limit is read to its end and thrown away before the 413;
 * only a larger one is answered at once, where the client may see the reset.
 */
final class BoundedBodyReader {

    /** Oversized bodies up to this many times the limit are read through before the answer. */
    static final int DRAIN_FACTOR = 4;

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
        long drainCap = (long) limit * DRAIN_FACTOR;
        if (declared > drainCap) {
            tooLarge(exchange, onTooLarge);
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 && declared <= limit ? (int) declared : 1024);
        boolean[] over = {declared > limit};
        boolean[] answered = {false};
        long[] seen = {0};
        exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
            if (answered[0]) {
                return;
            }
            seen[0] += chunk.length;
            if (!over[0] && seen[0] > limit) {
                over[0] = true;
                body.reset();
            }
            if (over[0]) {
                if (last || seen[0] > drainCap) {
                    answered[0] = true;
                    tooLarge(ex, onTooLarge);
                }
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
