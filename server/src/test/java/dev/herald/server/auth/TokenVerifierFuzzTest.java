package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link TokenVerifier#verify} (keys: an HMAC secret) with any string, and with tokens
 * shaped as JWTs (a fuzzer-chosen JSON header and claims set, base64url-encoded) whose signature
 * is either fuzzer bytes or made with the secret, so that the checks behind the signature are
 * reached too; it starts from real tokens. Each is either refused with an
 * {@link InvalidTokenException} (never for a key that cannot be found or read, as the secret
 * fits every HMAC algorithm), or it was signed with the secret, expires no earlier than the
 * clock skew allows, and gives the same grants each time, which answer for any channel.
 */
class TokenVerifierFuzzTest {

    private static final String SECRET = "a-dev-secret-of-at-least-32-bytes-long!";
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final TokenVerifier VERIFIER = new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)),
            "https://issuer.test", "herald", SKEW, Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String[] MACS = {"HmacSHA256", "HmacSHA384", "HmacSHA512"};
    /** With an HMAC secret, every HMAC algorithm has its key, and no key is fetched. */
    private static final EnumSet<TokenProblem> NEVER = EnumSet.of(TokenProblem.UNKNOWN_KEY, TokenProblem.KEYS_UNAVAILABLE);

    @MethodSource("tokens")
    @FuzzTest(maxDuration = "30s")
    void aTokenIsRefusedWithAProblemOrWasSignedWithTheSecret(String token, @NotNull String header, @NotNull String claims,
                                                            byte @NotNull [] signature, @InRange(min = 0, max = 3) int signer,
                                                            @NotNull String channel) {
        check(token, channel);
        check(shaped(header, claims, signature, signer), channel);
    }

    private static void check(String token, String channel) {
        Grants grants;
        try {
            grants = VERIFIER.verify(token);
        } catch (InvalidTokenException e) {
            assertThat(e.problem()).isNotIn(NEVER);
            assertThat(e.problem() == TokenProblem.MISSING).isEqualTo(token == null || token.isBlank());
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(signedWithTheSecret(token.strip())).as("accepted %s", visible(token)).isTrue();
        assertThat(grants.expiresAt()).isAfterOrEqualTo(NOW.minus(SKEW));
        assertThat(VERIFIER.verify(token)).isEqualTo(grants);
        grants.mayPublish(channel);
        grants.maySubscribe(channel);
    }

    /** {@code s} with every character outside printable ASCII as a {@code \\uXXXX} escape. */
    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c > 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04x", c)));
        return b.toString();
    }

    /** Whether {@code token} is three base64url parts, the third an HMAC of the first two under the secret. */
    private static boolean signedWithTheSecret(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !token.matches("[A-Za-z0-9_.-]+")) {
            return false;
        }
        byte[] signature = new Base64URL(parts[2]).decode();
        for (String algorithm : MACS) {
            if (MessageDigest.isEqual(mac(algorithm, parts[0] + "." + parts[1]), signature)) {
                return true;
            }
        }
        return false;
    }

    /** A JWT of {@code header} and {@code claims}, signed with the secret by {@code signer} 1 to 3, else with {@code signature}. */
    private static String shaped(String header, String claims, byte[] signature, int signer) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        byte[] sig = signer == 0 ? signature : mac(MACS[signer - 1], signingInput);
        return signingInput + "." + b64.encodeToString(sig);
    }

    private static byte[] mac(String algorithm, String signingInput) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> tokens() throws Exception {
        JWTClaimsSet good = new JWTClaimsSet.Builder().subject("alice").issuer("https://issuer.test").audience("herald")
                .expirationTime(Date.from(NOW.plusSeconds(3600))).notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .claim(TokenVerifier.CLAIM, Map.of("pub", List.of("demo*"), "sub", List.of("demo*", "user.{sub}.*")))
                .build();
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), good);
        signed.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        String token = signed.serialize();
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
        String claims = good.toString();
        return Stream.of(
                Arguments.of(token, header, claims, new byte[32], 1, "demo.1"),
                Arguments.of(new PlainJWT(good).serialize(), "{\"alg\":\"none\"}", claims, new byte[0], 0, "user.alice.x"),
                Arguments.of("not a token", "{\"alg\":\"HS512\",\"crit\":[\"b64\"],\"b64\":false}",
                        "{\"exp\":1e30,\"nbf\":\"x\",\"iss\":\"https://issuer.test\",\"aud\":[\"herald\"],\"herald\":{\"pub\":[\"*\"]}}",
                        new byte[64], 3, "news"));
    }
}
