package dev.herald.server.auth;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import dev.herald.schemas.InvalidInputException;

/**
 * The keys tokens are verified with: an HMAC secret, PEM public keys (RSA or EC), a JWKS URL, or
 * any of them together. Each kind of key allows its own algorithms only ({@link #allowed}):
 * HS256/384/512 for the secret, RS*, PS* and ES* for public keys. So a token signed with HMAC
 * over a public key's bytes (the key-confusion attack) is refused for its algorithm when no
 * secret is configured, and fails its signature when one is: an HMAC token is only ever checked
 * against the secret.
 *
 * <p>A JWKS URL is read through Nimbus' JWK source: cached, refreshed when a token names a
 * {@code kid} the cache does not have (key rotation needs no restart), at most once per
 * {@code refetchInterval}. PEM keys carry no {@code kid}: every one of the token's key type is
 * tried.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuthKeys {

    /** Shortest HMAC secret: 256 bits, as HS256 requires (RFC 7518 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final SecretKeySpec secret;
    private final List<PublicKey> publicKeys;
    private final JWSVerificationKeySelector<SecurityContext> jwks;
    private final Set<JWSAlgorithm> allowed;

    private AuthKeys(SecretKeySpec secret, List<PublicKey> publicKeys, JWSVerificationKeySelector<SecurityContext> jwks) {
        this.secret = secret;
        this.publicKeys = List.copyOf(publicKeys);
        this.jwks = jwks;
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        if (secret != null) {
            algorithms.addAll(HMAC);
        }
        if (!publicKeys.isEmpty() || jwks != null) {
            algorithms.addAll(ASYMMETRIC);
        }
        this.allowed = Set.copyOf(algorithms);
    }

    /**
     * Keys from any of the three sources; each may be {@code null}, not all.
     *
     * @param hmacSecret      the shared secret (UTF-8), at least {@value #MIN_SECRET_BYTES} bytes
     * @param publicKeysPem   the text of a PEM file of public keys or certificates
     * @param jwksUrl         where the JSON Web Key Set is served
     * @param refetchInterval the least time between two fetches of the JWKS
     * @throws InvalidInputException naming the source that is unusable, or when none is given
     */
    public static AuthKeys of(String hmacSecret, String publicKeysPem, URL jwksUrl, Duration refetchInterval) {
        SecretKeySpec secret = hmacSecret == null ? null : new SecretKeySpec(secretBytes(hmacSecret), "HmacSHA256");
        List<PublicKey> keys = publicKeysPem == null ? List.of() : PemPublicKeys.parse(publicKeysPem);
        JWSVerificationKeySelector<SecurityContext> jwks = null;
        if (jwksUrl != null) {
            JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUrl)
                    .cache(JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .rateLimited(refetchInterval.toMillis())
                    .build();
            jwks = new JWSVerificationKeySelector<>(ASYMMETRIC, source);
        }
        if (secret == null && keys.isEmpty() && jwks == null) {
            throw new InvalidInputException("no keys to verify tokens with: give an HMAC secret, a PEM file of public keys or a JWKS URL");
        }
        return new AuthKeys(secret, keys, jwks);
    }

    /**
     * The bytes of an HMAC secret (UTF-8), for signing or verifying.
     *
     * @throws InvalidInputException if it is shorter than {@value #MIN_SECRET_BYTES} bytes
     */
    static byte[] secretBytes(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new InvalidInputException("the HMAC secret is " + bytes.length + " bytes; HS256 needs at least " + MIN_SECRET_BYTES);
        }
        return bytes;
    }

    /** Whether keys come from a JWKS URL, so that finding one may wait on the network. */
    boolean fetchesKeys() {
        return jwks != null;
    }

    /** The algorithms a token may be signed with, given these keys. */
    Set<JWSAlgorithm> allowed() {
        return allowed;
    }

    /**
     * The keys that may have signed a token with {@code header}: the secret for an HMAC algorithm,
     * else the PEM keys of its type and the JWKS keys its {@code kid} names.
     *
     * @throws KeySourceException if the JWKS cannot be read now
     */
    List<Key> candidates(JWSHeader header) throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        List<Key> keys = new ArrayList<>();
        if (HMAC.contains(alg)) {
            if (secret != null) {
                keys.add(secret);
            }
            return keys;
        }
        boolean ec = JWSAlgorithm.Family.EC.contains(alg);
        for (PublicKey k : publicKeys) {
            if (ec ? k instanceof ECPublicKey : k instanceof RSAPublicKey) {
                keys.add(k);
            }
        }
        if (jwks != null) {
            keys.addAll(jwks.selectJWSKeys(header, null));
        }
        return keys;
    }
}
