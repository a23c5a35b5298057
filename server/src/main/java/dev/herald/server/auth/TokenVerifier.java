package dev.herald.server.auth;

import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.schemas.InvalidInputException;

/**
 * Verifies a bearer token (a JWT, RFC 7519, checked as RFC 8725 advises) and reads what it
 * grants.
 *
 * <p>In order: it must parse, as the compact serialization and nothing else (base64url parts
 * joined by dots; white space around it is ignored); it must be signed ({@code alg: none} never
 * passes); its algorithm must be one the configured keys allow ({@link AuthKeys}); a fitting key
 * must verify its signature; it must carry {@code exp}, not passed; {@code nbf}, when present, must have come;
 * {@code iss} and {@code aud} must match when configured. Time is the injected clock's, with
 * {@code clockSkew} of tolerance both ways. The first check that fails is the
 * {@link TokenProblem} of the {@link InvalidTokenException}; nothing of a refused token is read.
 *
 * <p>Claims read: {@code sub}, and {@code herald: {"pub": [patterns], "sub": [patterns], "admin": true|false}}
 * ({@link ChannelPattern}); a missing list grants nothing.
 *
 * <p>Thread-safe.
 */
public final class TokenVerifier {

    /** The claim of Herald's grants. */
    public static final String CLAIM = "herald";

    private final AuthKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    /**
     * @param issuer   the required {@code iss}, or {@code null} to accept any
     * @param audience the audience {@code aud} must name, or {@code null} to accept any
     */
    public TokenVerifier(AuthKeys keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** Whether {@link #verify} may wait on the network: keys come from a JWKS URL. */
    public boolean fetchesKeys() {
        return keys.fetchesKeys();
    }

    /**
     * The grants of {@code token} (the compact JWT, without {@code Bearer }).
     *
     * @throws InvalidTokenException saying why it is refused
     */
    public Grants verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(TokenProblem.MISSING, "no token");
        }
        String compact = token.strip();
        if (!isCompact(compact)) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the token is not a JWT: a compact JWT has only base64url characters and dots");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(compact);
        } catch (ParseException e) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the token is not a JWT: " + e.getMessage());
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException(TokenProblem.UNSIGNED, "the token is not signed (alg " + jwt.getHeader().getAlgorithm()
                    + "); only signed tokens are accepted");
        }
        JWSHeader header = signed.getHeader();
        if (!keys.allowed().contains(header.getAlgorithm())) {
            throw new InvalidTokenException(TokenProblem.ALGORITHM, "algorithm " + header.getAlgorithm()
                    + " is not accepted with the configured keys; accepted: " + keys.allowed());
        }
        verifySignature(signed, header);
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the token's claims are not a JSON object: " + e.getMessage());
        }
        Instant expires = checkTimes(claims);
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException(TokenProblem.WRONG_ISSUER, "the token's issuer is " + quoted(claims.getIssuer())
                    + ", not " + quoted(issuer));
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new InvalidTokenException(TokenProblem.WRONG_AUDIENCE, "the token's audience " + claims.getAudience()
                    + " does not include " + quoted(audience));
        }
        return grants(claims, expires);
    }

    /**
     * Whether {@code token} has only the characters of the compact serialization (RFC 7515 section
     * 7.1: base64url parts joined by dots). Nimbus trims control characters around a token and
     * skips any character outside base64url in its signature, so without this check many strings
     * would pass for one signed token.
     */
    private static boolean isCompact(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void verifySignature(SignedJWT signed, JWSHeader header) {
        List<Key> candidates;
        try {
            candidates = keys.candidates(header);
        } catch (RateLimitReachedException e) {
            // the set was fetched moments ago and did not have this kid: fetching it again is what the limit prevents
            throw new InvalidTokenException(TokenProblem.UNKNOWN_KEY, "no key with kid " + quoted(header.getKeyID())
                    + " (the key set, fetched moments ago, does not list it)");
        } catch (KeySourceException e) {
            throw new InvalidTokenException(TokenProblem.KEYS_UNAVAILABLE, "the keys cannot be read now: " + e.getMessage(), e);
        }
        if (candidates.isEmpty()) {
            throw new InvalidTokenException(TokenProblem.UNKNOWN_KEY, header.getKeyID() != null
                    ? "no key with kid " + quoted(header.getKeyID()) : "no configured key fits algorithm " + header.getAlgorithm());
        }
        for (Key key : candidates) {
            try {
                if (signed.verify(verifiers.createJWSVerifier(header, key))) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // this key does not fit (a size or curve mismatch): try the next
            }
        }
        throw new InvalidTokenException(TokenProblem.BAD_SIGNATURE, "the token's signature does not verify");
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException(TokenProblem.NO_EXPIRY, "the token has no exp claim; every token must expire");
        }
        if (now.isAfter(exp.toInstant().plus(clockSkew))) {
            throw new InvalidTokenException(TokenProblem.EXPIRED, "the token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw new InvalidTokenException(TokenProblem.NOT_YET_VALID, "the token is not valid before " + nbf.toInstant());
        }
        return exp.toInstant();
    }

    private static Grants grants(JWTClaimsSet claims, Instant expires) {
        Object herald = claims.getClaim(CLAIM);
        if (herald != null && !(herald instanceof Map)) {
            throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "the herald claim must be an object {\"pub\": [...], \"sub\": [...]}");
        }
        Map<?, ?> grants = herald == null ? Map.of() : (Map<?, ?>) herald;
        String subject;
        try {
            subject = claims.getStringClaim("sub");
        } catch (ParseException e) {
            throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "the sub claim must be a string");
        }
        Object admin = grants.get("admin");
        if (admin != null && !(admin instanceof Boolean)) {
            throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "herald.admin must be true or false");
        }
        return new Grants(subject, expires, patterns(grants.get("pub"), "pub"), patterns(grants.get("sub"), "sub"), Boolean.TRUE.equals(admin));
    }

    private static List<ChannelPattern> patterns(Object list, String name) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> entries)) {
            throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "herald." + name + " must be a list of channel patterns");
        }
        List<ChannelPattern> patterns = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            if (!(entry instanceof String s)) {
                throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "herald." + name + " must be a list of strings");
            }
            try {
                patterns.add(ChannelPattern.parse(s));
            } catch (InvalidInputException e) {
                throw new InvalidTokenException(TokenProblem.BAD_CLAIMS, "herald." + name + ": " + e.getMessage());
            }
        }
        return patterns;
    }

    private static String quoted(String s) {
        return s == null ? "none" : "'" + s + "'";
    }
}
