package dev.herald.server.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.schemas.InvalidInputException;

/**
 * Makes tokens that {@link TokenVerifier} accepts: for development ({@code herald token}) and
 * tests. Signs with an HMAC secret (HS256) or a PEM private key (PKCS#8: RSA gives RS256, EC
 * P-256 ES256). Every token expires, has a random {@code jti}, and carries its grants in the
 * {@code herald} claim; the patterns are checked before anything is signed.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenMinter {

    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END PRIVATE KEY-----");

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String keyId;

    private TokenMinter(JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
        this.signer = signer;
        this.algorithm = algorithm;
        this.keyId = keyId;
    }

    /**
     * A minter signing with the HMAC {@code secret} (HS256).
     *
     * @throws InvalidInputException if the secret is shorter than {@value AuthKeys#MIN_SECRET_BYTES} bytes
     */
    public static TokenMinter hmac(String secret) {
        try {
            return new TokenMinter(new MACSigner(AuthKeys.secretBytes(secret)), JWSAlgorithm.HS256, null);
        } catch (JOSEException e) {
            throw new InvalidInputException("the HMAC secret cannot sign: " + e.getMessage());
        }
    }

    /**
     * A minter signing with the {@code PRIVATE KEY} block of {@code pem} (RS256 for RSA, ES256 for
     * an EC P-256 key), naming {@code keyId} (may be {@code null}) in each token's header.
     *
     * @throws InvalidInputException if there is no PKCS#8 private key, or it is of no usable kind
     */
    public static TokenMinter privateKey(String pem, String keyId) {
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw new InvalidInputException("no '-----BEGIN PRIVATE KEY-----' (PKCS#8) block in the key file; "
                    + "convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String kind : new String[] {"RSA", "EC"}) {
            try {
                PrivateKey key = KeyFactory.getInstance(kind).generatePrivate(spec);
                if (key instanceof ECPrivateKey ec) {
                    return new TokenMinter(new ECDSASigner(ec), JWSAlgorithm.ES256, keyId);
                }
                return new TokenMinter(new RSASSASigner(key), JWSAlgorithm.RS256, keyId);
            } catch (GeneralSecurityException | JOSEException e) {
                // try the other kind
            }
        }
        throw new InvalidInputException("the private key is neither RSA nor EC P-256");
    }

    /**
     * A signed token.
     *
     * @param subject   the {@code sub} claim, or {@code null}
     * @param publish   channel patterns the holder may publish to
     * @param subscribe channel patterns the holder may follow
     * @param issuer    the {@code iss} claim, or {@code null}
     * @param audience  the {@code aud} claim, or {@code null}
     * @param now       the issue time
     * @param ttl       how long it is valid; positive
     * @throws InvalidInputException naming a bad pattern or a ttl that is not positive
     */
    public String mint(String subject, List<String> publish, List<String> subscribe, String issuer, String audience, Instant now,
                       Duration ttl) {
        return mint(subject, publish, subscribe, false, issuer, audience, now, ttl);
    }

    /**
     * A signed token, with the admin permission ({@code herald.admin: true}) when {@code admin};
     * otherwise as {@link #mint(String, List, List, String, String, Instant, Duration)}.
     */
    public String mint(String subject, List<String> publish, List<String> subscribe, boolean admin, String issuer, String audience,
                       Instant now, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("a token's lifetime must be positive, was " + ttl);
        }
        publish.forEach(ChannelPattern::parse);
        subscribe.forEach(ChannelPattern::parse);
        Map<String, Object> grants = new LinkedHashMap<>();
        grants.put("pub", List.copyOf(publish));
        grants.put("sub", List.copyOf(subscribe));
        if (admin) {
            grants.put("admin", true);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString())
                .claim(TokenVerifier.CLAIM, grants);
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
