package dev.herald.server.auth;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;

/**
 * The HTTP answers of tokens and origins, alike on ingest and the edges: problem details with
 * their RFC 6750 challenge, and how a check that may wait on the network runs off the I/O thread.
 *
 * <ul>
 *   <li>401 {@code missing-token} (challenge without error) or {@code invalid-token}
 *       ({@code error="invalid_token"}, the reason in {@code detail} and the description);
 *   <li>503 {@code keys-unavailable} with {@code Retry-After}: a JWKS server that cannot be
 *       reached now is not the token's fault;
 *   <li>403 {@code forbidden} ({@code error="insufficient_scope"}): a good token, not for this channel;
 *   <li>403 {@code origin-not-allowed}: a web page of an origin not in {@code http.allowed.origins}.
 * </ul>
 */
public final class AuthAnswers {

    private AuthAnswers() {
    }

    /** The problem of a refused token. */
    public static Problem problemOf(InvalidTokenException e) {
        return switch (e.problem()) {
            case MISSING -> new Problem("missing-token", "Token required", 401,
                    "a token is required: send 'Authorization: Bearer <token>'");
            case KEYS_UNAVAILABLE -> new Problem("keys-unavailable", "Token keys unavailable", 503, e.getMessage(), 5);
            default -> new Problem("invalid-token", "Invalid token", 401, e.getMessage());
        };
    }

    /** Answers a refused token: its problem, with the challenge when it is the token's fault. */
    public static void refused(HttpServerExchange exchange, InvalidTokenException e) {
        Problem problem = problemOf(e);
        if (e.problem() == TokenProblem.KEYS_UNAVAILABLE) {
            HttpAnswers.problem(exchange, problem);
        } else {
            String challenge = AuthChallenge.refused(e.problem(), e.getMessage());
            HttpAnswers.problem(exchange, problem, headers -> headers.put(Headers.WWW_AUTHENTICATE, challenge));
        }
    }

    /** The problem of a good token that does not allow something. */
    public static Problem forbidden(String detail) {
        return new Problem("forbidden", "Forbidden", 403, detail);
    }

    /** Answers {@link #forbidden} with its {@code insufficient_scope} challenge. */
    public static void forbidden(HttpServerExchange exchange, Problem forbidden) {
        String challenge = AuthChallenge.insufficientScope(forbidden.detail());
        HttpAnswers.problem(exchange, forbidden, headers -> headers.put(Headers.WWW_AUTHENTICATE, challenge));
    }

    /** Answers 403 to a web page whose origin is not allowed. */
    public static void originNotAllowed(HttpServerExchange exchange) {
        HttpAnswers.problem(exchange, new Problem("origin-not-allowed", "Origin not allowed", 403, "pages from "
                + exchange.getRequestHeaders().getFirst(Headers.ORIGIN) + " may not use this service (see http.allowed.origins)"));
    }

    /**
     * Runs {@code check} (which answers the exchange itself and returns {@code null} when it
     * refuses), then {@code then} with its grants on the exchange's I/O thread. With
     * {@code workers}, {@code check} runs there, the exchange held open meanwhile: a token whose
     * keys may have to be fetched is never verified on an I/O thread. Without, both run here.
     */
    public static void authenticated(HttpServerExchange exchange, Executor workers, Function<HttpServerExchange, Grants> check,
            Consumer<Grants> then) {
        if (workers == null) {
            Grants grants = check.apply(exchange);
            if (grants != null) {
                then.accept(grants);
            }
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> workers.execute(() -> {
            Grants grants = check.apply(exchange);
            if (grants != null) {
                exchange.getIoThread().execute(() -> then.accept(grants));
            }
        }));
    }
}
