package dev.herald.edge.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.concurrent.Executor;

import dev.herald.server.auth.AuthChallenge;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.BearerHeader;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.InvalidTokenException;
import dev.herald.server.auth.TokenProblem;
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
     * Checks {@code exchange}'s token and answers for it when it fails: 401 (missing or refused),
     * 400 (in the URL), 503 (keys unreadable now).
     *
     * @return the grants, or {@code null} when the exchange was answered
     */
    Grants authenticateOrAnswer(HttpServerExchange exchange, boolean cookies) {
        try {
            return authenticator.authenticate(token(exchange, cookies));
        } catch (TokenInUrlException e) {
            HttpProblems.send(exchange, 400, "token-in-url", "Token in URL", e.getMessage());
        } catch (InvalidTokenException e) {
            metrics.refused(e.problem());
            if (e.problem() == TokenProblem.KEYS_UNAVAILABLE) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "5");
                HttpProblems.send(exchange, 503, "keys-unavailable", "Token keys unavailable", e.getMessage());
            } else {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthChallenge.refused(e.problem(), e.getMessage()));
                boolean missing = e.problem() == TokenProblem.MISSING;
                HttpProblems.send(exchange, 401, missing ? "missing-token" : "invalid-token", missing ? "Token required" : "Invalid token",
                        missing ? "a token is required: send 'Authorization: Bearer <token>'" : e.getMessage());
            }
        }
        return null;
    }

    /** Answers 403: a good token that does not allow following {@code channel}. */
    void forbidden(HttpServerExchange exchange, String channel) {
        metrics.forbiddenSubscribe();
        String detail = "the token does not allow subscribing to " + channel;
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthChallenge.insufficientScope(detail));
        HttpProblems.send(exchange, 403, "forbidden", "Forbidden", detail);
    }

    /** Answers 403: a request from a web page whose origin is not allowed. */
    static void originNotAllowed(HttpServerExchange exchange) {
        HttpProblems.send(exchange, 403, "origin-not-allowed", "Origin not allowed", "pages from "
                + exchange.getRequestHeaders().getFirst(Headers.ORIGIN) + " may not use this edge (see http.allowed.origins)");
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
