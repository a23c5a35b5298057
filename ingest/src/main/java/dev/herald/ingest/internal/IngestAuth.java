package dev.herald.ingest.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.BearerHeader;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.InvalidTokenException;
import dev.herald.server.auth.VerifiedTokens;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Who may publish where: the {@code Authorization: Bearer} token of a request, checked before its
 * body is read, and the 401, 403 and 503 answers of {@link AuthAnswers} when it falls short.
 * Nothing is published on any of them.
 */
final class IngestAuth {

    private final Authenticator authenticator;
    private final AuthMetrics metrics;
    /** Where tokens are verified when that may wait on a key server; {@code null} when it never waits. */
    private final Executor verifyWorkers;
    /** Publishers send their one token with every request: each is verified once, then remembered for a while. */
    private final VerifiedTokens verified;

    /** Most tokens remembered (about half a KiB each), and for how long at most. */
    static final long REMEMBERED_TOKENS = 10_000;
    static final Duration REMEMBERED_FOR = Duration.ofMinutes(1);

    IngestAuth(Authenticator authenticator, AuthMetrics metrics, Executor workers, Ticker ticker, Clock clock) {
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.verifyWorkers = authenticator.mayBlock() ? workers : null;
        this.verified = new VerifiedTokens(REMEMBERED_TOKENS, REMEMBERED_FOR, ticker, clock);
    }

    /** Runs {@code then} with the request's grants on its I/O thread, or answers it (401, 503). */
    void authenticated(HttpServerExchange exchange, Consumer<Grants> then) {
        AuthAnswers.authenticated(exchange, verifyWorkers, this::grantsOrAnswer, then);
    }

    private Grants grantsOrAnswer(HttpServerExchange exchange) {
        if (!authenticator.required()) {
            return Grants.everything(); // tokens off: whatever Authorization header comes is not read
        }
        try {
            return verified.grants(BearerHeader.token(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION)),
                    authenticator::authenticate);
        } catch (InvalidTokenException e) {
            metrics.refused(e.problem());
            AuthAnswers.refused(exchange, e);
            return null;
        }
    }

    /** The problem of publishing to {@code channel} with {@code grants}, or {@code null} when allowed. */
    Problem publishProblem(Grants grants, String channel) {
        if (grants.mayPublish(channel)) {
            return null;
        }
        metrics.forbiddenPublish();
        return AuthAnswers.forbidden("the token does not allow publishing to " + channel);
    }
}
