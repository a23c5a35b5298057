package dev.herald.edge.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.BearerHeader;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.InvalidTokenException;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import dev.herald.server.origin.AllowedOrigins;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;

/**
 * Who may connect to an edge and what they may follow: the token settings, the allowed origins,
 * and the HTTP side of both (a WebSocket upgrade's or an SSE request's token, 401 and 403 answers).
 *
 * <p>Where a request's token is read: the {@code Authorization: Bearer} header; for SSE also the
 * cookie {@code cookieName} (a browser's {@code EventSource} cannot set headers); the
 * {@value #QUERY_PARAMETER} query parameter only when {@code tokenInUrl}, since URLs end up in
 * access logs and browser history.
 *
 * @param verifyWorkers where tokens are verified when that may wait on the network (a JWKS fetch),
 *                      never on an I/O thread; {@code null} when verifying never waits
 */
record EdgeAuth(Authenticator authenticator, AllowedOrigins origins, Duration timeout, String cookieName, boolean tokenInUrl,
                Clock clock, AuthMetrics metrics, Executor verifyWorkers) {

    /** The query parameter of a token in a URL (RFC 6750 section 2.3). */
    static final String QUERY_PARAMETER = "access_token";

    /** Whether tokens are asked for at all. */
    boolean required() {
        return authenticator.required();
    }

    /**
     * The token {@code exchange} carries, or {@code null} for none.
     *
     * @param cookies whether the cookie counts (SSE)
     * @throws InvalidTokenException for a malformed {@code Authorization} header
     * @throws TokenInUrlException for a token in the URL when that is not allowed
     */
    String token(HttpServerExchange exchange, boolean cookies) {
        String token = BearerHeader.token(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (token != null) {
            return token;
        }
        if (cookies) {
            Cookie cookie = exchange.getRequestCookie(cookieName);
            if (cookie != null && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        Deque<String> inUrl = exchange.getQueryParameters().get(QUERY_PARAMETER);
        if (inUrl != null && !inUrl.isEmpty()) {
            if (!tokenInUrl) {
                throw new TokenInUrlException();
            }
            return inUrl.getFirst();
        }
        return null;
    }

    /**
     * Runs {@code then} with the grants of {@code exchange}'s token on its I/O thread, or answers
     * it: 401 (missing or refused), 400 (in the URL), 503 (keys unreadable now). Verifying runs on
     * {@link #verifyWorkers} when it may wait on the network.
     *
     * @param cookies whether the token may come in the cookie (SSE)
     */
    void authenticated(HttpServerExchange exchange, boolean cookies, Consumer<Grants> then) {
        AuthAnswers.authenticated(exchange, verifyWorkers, ex -> grantsOrAnswer(ex, cookies), then);
    }

    private Grants grantsOrAnswer(HttpServerExchange exchange, boolean cookies) {
        if (!authenticator.required()) {
            return Grants.everything(); // tokens off: whatever token comes (header, cookie, URL) is not read
        }
        try {
            return authenticator.authenticate(token(exchange, cookies));
        } catch (TokenInUrlException e) {
            HttpAnswers.problem(exchange, new Problem("token-in-url", "Token in URL", 400, e.getMessage()));
        } catch (InvalidTokenException e) {
            metrics.refused(e.problem());
            AuthAnswers.refused(exchange, e);
        }
        return null;
    }

    /** Answers 403: a good token that does not allow following {@code channel}. */
    void forbidden(HttpServerExchange exchange, String channel) {
        metrics.forbiddenSubscribe();
        AuthAnswers.forbidden(exchange, AuthAnswers.forbidden("the token does not allow subscribing to " + channel));
    }

    /** Time left until {@code grants} expire, or {@code null} for never. */
    Duration untilExpiry(Grants grants) {
        Instant expires = grants.expiresAt();
        return expires == null ? null : Duration.between(clock.instant(), expires);
    }

    /** A token in a URL, not allowed here. */
    static final class TokenInUrlException extends RuntimeException {
        TokenInUrlException() {
            super("tokens in URLs are refused (URLs end up in logs): send it in the Authorization header, the cookie (SSE) or an "
                    + "auth frame (WebSocket); auth.token.query.allowed=true allows it", null, false, false);
        }
    }
}
