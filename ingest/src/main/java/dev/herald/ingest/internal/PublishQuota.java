package dev.herald.ingest.internal;

import java.net.InetSocketAddress;

import dev.herald.server.auth.Grants;
import dev.herald.server.limits.Decision;
import dev.herald.server.limits.LimitAnswers;
import dev.herald.server.limits.PublishLimiter;
import dev.herald.server.limits.Refusal;
import io.undertow.server.HttpServerExchange;

/**
 * Each publisher's share of ingest: events and payload bytes a second per token subject, or per
 * client address for a publisher without one ({@code auth.mode=none}, or a token with no
 * {@code sub}). Past it the request is answered 429 with {@code Retry-After} and nothing of it is
 * published; a batch is counted as its lines and its bytes, and refused whole.
 */
final class PublishQuota {

    private final PublishLimiter limiter;

    PublishQuota(PublishLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Takes {@code events} and {@code bytes} from the publisher's share; when they are not there,
     * answers 429 and returns {@code false}.
     */
    boolean take(HttpServerExchange exchange, Grants grants, int events, long bytes) {
        Decision decision = limiter.tryPublish(publisher(exchange, grants), events, (int) Math.min(Integer.MAX_VALUE, bytes));
        if (decision instanceof Refusal refusal) {
            LimitAnswers.tooMany(exchange, refusal, "this publisher is over its publish rate; retry after "
                    + refusal.retryAfterSeconds() + " s");
            return false;
        }
        return true;
    }

    private static String publisher(HttpServerExchange exchange, Grants grants) {
        InetSocketAddress peer = exchange.getSourceAddress();
        return PublishLimiter.publisher(grants.subject(), peer == null ? "unknown" : peer.getAddress().getHostAddress());
    }
}
