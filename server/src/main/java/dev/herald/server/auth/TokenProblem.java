package dev.herald.server.auth;

/**
 * Why a token was refused. Each names its RFC 6750 error code (what {@code WWW-Authenticate}
 * says) and a stable tag for metrics and logs.
 */
public enum TokenProblem {
    /** No token at all: an RFC 6750 challenge without an error code. */
    MISSING("missing", null),
    /** Not a JWT: not three base64url parts of JSON. */
    MALFORMED("malformed", "invalid_token"),
    /** {@code alg: none}: an unsigned token is never accepted. */
    UNSIGNED("unsigned", "invalid_token"),
    /** An algorithm not allowed for the keys configured (e.g. HS256 when only public keys are). */
    ALGORITHM("algorithm", "invalid_token"),
    /** No configured key fits its header (an unknown {@code kid}, or no key of its type). */
    UNKNOWN_KEY("unknown_key", "invalid_token"),
    /** The signature does not verify with any fitting key. */
    BAD_SIGNATURE("bad_signature", "invalid_token"),
    /** No {@code exp} claim: every token must expire (RFC 8725). */
    NO_EXPIRY("no_expiry", "invalid_token"),
    /** {@code exp} has passed (beyond the allowed clock skew). */
    EXPIRED("expired", "invalid_token"),
    /** {@code nbf} is still ahead (beyond the allowed clock skew). */
    NOT_YET_VALID("not_yet_valid", "invalid_token"),
    /** {@code iss} is not the configured issuer. */
    WRONG_ISSUER("wrong_issuer", "invalid_token"),
    /** {@code aud} does not name the configured audience. */
    WRONG_AUDIENCE("wrong_audience", "invalid_token"),
    /** A claim Herald reads ({@code sub}, {@code herald}) has the wrong shape. */
    BAD_CLAIMS("bad_claims", "invalid_token"),
    /** The keys could not be read now (the JWKS endpoint is unreachable): not the token's fault. */
    KEYS_UNAVAILABLE("keys_unavailable", null);

    private final String tag;
    private final String errorCode;

    TokenProblem(String tag, String errorCode) {
        this.tag = tag;
        this.errorCode = errorCode;
    }

    /** A stable, lower-case name for metrics ({@code reason} tags) and logs. */
    public String tag() {
        return tag;
    }

    /** The RFC 6750 {@code error} of the {@code WWW-Authenticate} challenge, or {@code null} for none. */
    public String errorCode() {
        return errorCode;
    }
}
