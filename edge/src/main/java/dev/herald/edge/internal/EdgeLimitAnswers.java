package dev.herald.edge.internal;

import java.net.InetSocketAddress;

import dev.herald.server.limits.Admission;
import dev.herald.server.limits.ConnectionLease;
import dev.herald.server.limits.ConnectionLimiter;
import dev.herald.server.limits.LimitAnswers;
import dev.herald.server.limits.Refusal;
import io.undertow.server.HttpServerExchange;

/** The edge's connection cap at the door: a WebSocket upgrade or an SSE stream is admitted, or answered 429 before it opens. */
final class EdgeLimitAnswers {

    private EdgeLimitAnswers() {
    }

    /**
     * A lease for one more connection of {@code exchange}'s client address, to release when the
     * connection ends; or {@code null} when the address is over its cap or its rate of new
     * connections, and the exchange was answered 429 with {@code Retry-After}.
     */
    static ConnectionLease admit(HttpServerExchange exchange, ConnectionLimiter<String> limiter) {
        InetSocketAddress peer = exchange.getSourceAddress();
        Admission admission = limiter.tryOpen(peer == null ? "unknown" : peer.getAddress().getHostAddress());
        if (admission instanceof Refusal refusal) {
            LimitAnswers.tooMany(exchange, refusal, "too many connections from this address; retry after "
                    + refusal.retryAfterSeconds() + " s");
            return null;
        }
        return (ConnectionLease) admission;
    }
}
