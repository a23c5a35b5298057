package dev.herald.ingest.internal;

import dev.herald.server.auth.AuthChallenge;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.BearerHeader;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.InvalidTokenException;
import dev.herald.server.auth.TokenProblem;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Who may publish where: the {@code Authorization: Bearer} token of a request, and the answers
 * when it falls short. A missing or refused token is a 401 with an RFC 6750 challenge; keys that
 * cannot be read now (a JWKS server down) a 503, since the token may be fine; a channel the token
 * does not allow a 403 with {@code error="insufficient_scope"}. Nothing is published on any of
 * them.
 */
final class IngestAuth {

    private final Authenticator authenticator;
    private final AuthMetrics metrics;

    IngestAuth(Authenticator authenticator, AuthMetrics metrics) {
        this.authenticator = authenticator;
        this.metrics = metrics;
    }

    /** Whether verifying may wait on the network: then it runs on a worker, not an I/O thread. */
    boolean mayBlock() {
        return authenticator.mayBlock();
    }

    /**
     * The grants of {@code exchange}'s token; when it has none that will do, answers for it.
     *
     * @return the grants, or {@code null} when the exchange was answered
     */
    Grants authenticateOrAnswer(HttpServerExchange exchange) {
        try {
            return authenticator.authenticate(BearerHeader.token(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION)));
        } catch (InvalidTokenException e) {
            metrics.refused(e.problem());
            if (e.problem() != TokenProblem.KEYS_UNAVAILABLE) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthChallenge.refused(e.problem(), e.getMessage()));
            }
            Responses.problem(exchange, Problem.ofToken(e));
            return null;
        }
    }

    /** The problem of publishing to {@code channel} with {@code grants}, or {@code null} when allowed. */
    Problem publishProblem(Grants grants, String channel) {
        if (grants.mayPublish(channel)) {
            return null;
        }
        metrics.forbiddenPublish();
        return Problem.forbidden("the token does not allow publishing to " + channel);
    }

    /** Answers {@code problem} (a 403 from {@link #publishProblem}) with its challenge. */
    static void forbidden(HttpServerExchange exchange, Problem problem) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthChallenge.insufficientScope(problem.detail()));
        Responses.problem(exchange, problem);
    }
}
