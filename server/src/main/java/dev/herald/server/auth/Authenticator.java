package dev.herald.server.auth;

/**
 * Turns what a client presented into {@link Grants}: with tokens on, the token must verify; with
 * tokens off ({@code auth.mode=none}), anyone gets {@linkplain Grants#everything() everything} and
 * whatever token they send is not read.
 *
 * <p>Thread-safe. {@link #authenticate} may block on a cache miss of a JWKS (a fetch bounded by
 * Nimbus's timeouts and rate limit): callers keep it off non-blocking I/O threads when
 * {@link #mayBlock()}.
 */
public final class Authenticator {

    private final TokenVerifier verifier;

    private Authenticator(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** No tokens: everyone may do everything. */
    public static Authenticator open() {
        return new Authenticator(null);
    }

    /** Tokens required, checked by {@code verifier}. */
    public static Authenticator verifying(TokenVerifier verifier) {
        return new Authenticator(verifier);
    }

    /** Whether a token is required. */
    public boolean required() {
        return verifier != null;
    }

    /** Whether {@link #authenticate} may wait on the network (keys from a JWKS URL). */
    public boolean mayBlock() {
        return verifier != null && verifier.fetchesKeys();
    }

    /**
     * The grants of {@code token} ({@code null} when none was presented).
     *
     * @throws InvalidTokenException when tokens are required and {@code token} is missing or refused
     */
    public Grants authenticate(String token) {
        if (verifier == null) {
            return Grants.everything();
        }
        return verifier.verify(token);
    }
}
