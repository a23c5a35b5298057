package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/** The token matrix, on real keys: every way a token can be wrong gets its own refusal, and a good one its grants. */
class TokenVerifierTest {

    private static final String SECRET = "a-dev-secret-of-at-least-32-bytes-long!";
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer("https://issuer.test").audience("herald")
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .claim("herald", Map.of("pub", List.of("demo*"), "sub", List.of("demo*", "user.{sub}.*")));
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null, claims);
    }

    private static TokenVerifier hmacVerifier() {
        return new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), "https://issuer.test", "herald", SKEW, CLOCK);
    }

    private static TokenProblem problemOf(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return null;
        } catch (InvalidTokenException e) {
            return e.problem();
        }
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static String pem(RSAPublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void aValidTokenGivesItsSubjectExpiryAndChannels() throws Exception {
        Grants grants = hmacVerifier().verify(hs256(claims().build()));
        assertThat(grants.subject()).isEqualTo("alice");
        assertThat(grants.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(grants.mayPublish("demo.1")).isTrue();
        assertThat(grants.mayPublish("user.alice.inbox")).isFalse();
        assertThat(grants.maySubscribe("user.alice.inbox")).isTrue();
        assertThat(grants.maySubscribe("user.bob.inbox")).isFalse();
    }

    @Test
    void theAdminPermissionIsGrantedOnlyByHeraldAdminTrue() throws Exception {
        TokenVerifier v = hmacVerifier();
        assertThat(v.verify(hs256(claims().build())).admin()).as("no admin claim").isFalse();
        assertThat(v.verify(hs256(claims().claim("herald", Map.of("admin", true)).build())).admin()).isTrue();
        assertThat(v.verify(hs256(claims().claim("herald", Map.of("admin", false)).build())).admin()).isFalse();
        assertThat(problemOf(v, hs256(claims().claim("herald", Map.of("admin", "yes")).build()))).isEqualTo(TokenProblem.BAD_CLAIMS);
        assertThat(Grants.everything().admin()).as("tokens off").isTrue();
    }

    @Test
    void eachWayATokenIsWrongHasItsOwnRefusal() throws Exception {
        TokenVerifier v = hmacVerifier();
        assertThat(problemOf(v, null)).isEqualTo(TokenProblem.MISSING);
        assertThat(problemOf(v, "  ")).isEqualTo(TokenProblem.MISSING);
        assertThat(problemOf(v, "garbage")).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, "a.b.c")).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, new PlainJWT(claims().build()).serialize())).as("alg none").isEqualTo(TokenProblem.UNSIGNED);
        assertThat(problemOf(v, sign(new MACSigner("another-secret-of-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, null, claims().build()))).isEqualTo(TokenProblem.BAD_SIGNATURE);
        assertThat(problemOf(v, hs256(claims().expirationTime(null).build()))).isEqualTo(TokenProblem.NO_EXPIRY);
        assertThat(problemOf(v, hs256(claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()))).isEqualTo(TokenProblem.EXPIRED);
        assertThat(problemOf(v, hs256(claims().expirationTime(Date.from(NOW.minusSeconds(29))).build()))).as("within the skew").isNull();
        assertThat(problemOf(v, hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build()))).isEqualTo(TokenProblem.NOT_YET_VALID);
        assertThat(problemOf(v, hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(29))).build()))).isNull();
        assertThat(problemOf(v, hs256(claims().issuer("https://evil.test").build()))).isEqualTo(TokenProblem.WRONG_ISSUER);
        assertThat(problemOf(v, hs256(claims().issuer(null).build()))).isEqualTo(TokenProblem.WRONG_ISSUER);
        assertThat(problemOf(v, hs256(claims().audience("someone-else").build()))).isEqualTo(TokenProblem.WRONG_AUDIENCE);
        assertThat(problemOf(v, hs256(claims().claim("herald", "everything").build()))).isEqualTo(TokenProblem.BAD_CLAIMS);
        assertThat(problemOf(v, hs256(claims().claim("herald", Map.of("pub", List.of("a*b"))).build()))).isEqualTo(TokenProblem.BAD_CLAIMS);
        KeyPair rsa = rsa();
        assertThat(problemOf(v, sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, null, claims().build())))
                .as("an RSA token with only a secret configured").isEqualTo(TokenProblem.ALGORITHM);
    }

    /**
     * Found by TokenVerifierFuzzTest: Nimbus trims control characters around a token and skips
     * characters outside base64url in its signature, so a signed token with backspaces before it
     * or a '!' in its signature verified as the token itself.
     */
    @Test
    void aTokenWithCharactersOutsideTheCompactSerializationIsMalformed() throws Exception {
        TokenVerifier v = hmacVerifier();
        String token = hs256(claims().build());
        int signature = token.lastIndexOf('.') + 1;

        assertThat(problemOf(v, "\b\b" + token)).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, token + "\u0000")).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, token.substring(0, signature) + "!" + token.substring(signature))).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, token + "==")).isEqualTo(TokenProblem.MALFORMED);
        assertThat(problemOf(v, " " + token + "\n")).as("white space around it").isNull();
    }

    /** The key-confusion attack: an HMAC token "signed" with the server's public key as the secret. */
    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefusedWhetherOrNotASecretIsConfigured() throws Exception {
        KeyPair rsa = rsa();
        String publicPem = pem((RSAPublicKey) rsa.getPublic());
        String confused = sign(new MACSigner(publicPem.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null, claims().build());
        String genuine = sign(new RSASSASigner((RSAPrivateKey) rsa.getPrivate()), JWSAlgorithm.RS256, null, claims().build());

        TokenVerifier publicOnly = new TokenVerifier(AuthKeys.of(null, publicPem, null, Duration.ofSeconds(1)), null, null, SKEW, CLOCK);
        assertThat(problemOf(publicOnly, genuine)).isNull();
        assertThat(problemOf(publicOnly, confused)).isEqualTo(TokenProblem.ALGORITHM);

        TokenVerifier both = new TokenVerifier(AuthKeys.of(SECRET, publicPem, null, Duration.ofSeconds(1)), null, null, SKEW, CLOCK);
        assertThat(problemOf(both, genuine)).isNull();
        assertThat(problemOf(both, confused)).as("an HMAC token is checked against the secret only").isEqualTo(TokenProblem.BAD_SIGNATURE);
    }

    /** Key rotation: a JWKS server on loopback starts serving a new key; tokens with its kid pass without a restart. */
    @Test
    void aKeyTheJwksServesLaterIsFetchedForItsKidAndUnknownKidsAreRefused() throws Exception {
        KeyPair firstPair = rsa();
        KeyPair secondPair = rsa();
        RSAKey a = new RSAKey.Builder((RSAPublicKey) firstPair.getPublic()).keyID("a").build();
        RSAKey b = new RSAKey.Builder((RSAPublicKey) secondPair.getPublic()).keyID("b").build();
        AtomicReference<JWKSet> served = new AtomicReference<>(new JWKSet(List.of(a)));
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", ex -> {
            byte[] body = served.get().toString(true).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        try {
            URL url = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json").toURL();
            TokenVerifier v = new TokenVerifier(AuthKeys.of(null, null, url, Duration.ofMillis(200)), null, null, SKEW, CLOCK);
            String withA = sign(new RSASSASigner(firstPair.getPrivate()), JWSAlgorithm.RS256, "a", claims().build());
            String withB = sign(new RSASSASigner(secondPair.getPrivate()), JWSAlgorithm.RS256, "b", claims().build());
            assertThat(problemOf(v, withA)).isNull();
            for (int i = 0; i < 5; i++) { // made-up kids in a row: the refetch limit answers, and it is still the token's fault
                assertThat(problemOf(v, withB)).isEqualTo(TokenProblem.UNKNOWN_KEY);
            }

            served.set(new JWKSet(List.of(a, b))); // rotation: the issuer publishes its new key
            await().atMost(Duration.ofSeconds(10)).until(() -> problemOf(v, withB) == null);
            assertThat(problemOf(v, withA)).isNull();
            String forgedB = sign(new RSASSASigner(firstPair.getPrivate()), JWSAlgorithm.RS256, "b", claims().build());
            assertThat(problemOf(v, forgedB)).isEqualTo(TokenProblem.BAD_SIGNATURE);
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    void aJwksThatCannotBeReachedIsNotTheTokensFault() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        URL url = URI.create("http://127.0.0.1:" + closedPort + "/jwks.json").toURL();
        TokenVerifier v = new TokenVerifier(AuthKeys.of(null, null, url, Duration.ofMillis(200)), null, null, SKEW, CLOCK);
        KeyPair pair = rsa();
        assertThat(problemOf(v, sign(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256, "a", claims().build())))
                .isEqualTo(TokenProblem.KEYS_UNAVAILABLE);
    }

    @Test
    void keysThatCannotVerifyAnythingAreRefusedAtStart() {
        assertThatThrownBy(() -> AuthKeys.of(null, null, null, Duration.ofSeconds(1))).hasMessageContaining("no keys");
        assertThatThrownBy(() -> AuthKeys.of("short", null, null, Duration.ofSeconds(1))).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> AuthKeys.of(null, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", null,
                Duration.ofSeconds(1))).hasMessageContaining("never a private key");
    }
}
