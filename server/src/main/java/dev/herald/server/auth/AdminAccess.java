package dev.herald.server.auth;

import java.util.concurrent.Executor;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;

/**
 * Lets only holders of the admin permission ({@code herald.admin: true} in their token) through
 * to the handler it guards: the admin page, its data, and replay through an edge. With tokens off
 * ({@code auth.mode=none}) everyone passes, as everyone may publish and subscribe then.
 *
 * <p>The token comes in {@code Authorization: Bearer}, or, for a browser opening the admin page,
 * in the cookie {@code cookieName} (when not {@code null}). Answers: 401 without a token or with
 * a bad one (with the RFC 6750 challenge), 403 {@code forbidden} ({@code insufficient_scope}) for a
 * good token without the permission; the guarded handler never runs then. Never in a URL. The
 * guarded handler finds the caller's grants (its subject, for an audit line) in the exchange's
 * {@link #GRANTS} attachment ({@link Grants#everything()} with tokens off).
 */
public final class AdminAccess implements HttpHandler {

    /** The grants of the caller let through, attached to the exchange before the guarded handler runs. */
    public static final AttachmentKey<Grants> GRANTS = AttachmentKey.create(Grants.class);

    private final Authenticator authenticator;
    private final Executor workers;
    private final String cookieName;
    private final HttpHandler next;

    /**
     * @param workers    where a token is verified when that may wait on a key server, or {@code null}
     *                   to verify on the I/O thread (see {@link AuthAnswers#authenticated})
     * @param cookieName the cookie that may carry the token, or {@code null} for the header only
     */
    public AdminAccess(Authenticator authenticator, Executor workers, String cookieName, HttpHandler next) {
        this.authenticator = authenticator;
        this.workers = workers;
        this.cookieName = cookieName;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!authenticator.required()) {
            exchange.putAttachment(GRANTS, Grants.everything());
            next.handleRequest(exchange);
            return;
        }
        AuthAnswers.authenticated(exchange, workers, this::admin, grants -> {
            exchange.putAttachment(GRANTS, grants);
            try {
                next.handleRequest(exchange);
            } catch (Exception e) {
                throw new IllegalStateException("admin handler failed", e);
            }
        });
    }

    /** The caller's grants when they carry the admin permission; otherwise answers and returns {@code null}. */
    private Grants admin(HttpServerExchange exchange) {
        Grants grants;
        try {
            grants = authenticator.authenticate(token(exchange));
        } catch (InvalidTokenException e) {
            AuthAnswers.refused(exchange, e);
            return null;
        }
        if (!grants.admin()) {
            AuthAnswers.forbidden(exchange, AuthAnswers.forbidden("this token does not carry the admin permission (herald.admin)"));
            return null;
        }
        return grants;
    }

    private String token(HttpServerExchange exchange) {
        String header = BearerHeader.token(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (header != null || cookieName == null) {
            return header;
        }
        Cookie cookie = exchange.getRequestCookie(cookieName);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }
}
