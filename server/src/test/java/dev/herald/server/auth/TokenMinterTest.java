package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Minted tokens pass the verifier with the matching keys, and carry what was asked. */
class TokenMinterTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String SECRET = "a-dev-secret-of-at-least-32-bytes-long!";

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void anHmacTokenCarriesItsSubjectChannelsAndExpiry() {
        String token = TokenMinter.hmac(SECRET).mint("alice", List.of("demo*"), List.of("demo*", "user.{sub}.*"), "herald-dev", null,
                NOW, Duration.ofHours(1));
        TokenVerifier verifier = new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), "herald-dev", null,
                Duration.ZERO, Clock.fixed(NOW.plusSeconds(10), ZoneOffset.UTC));
        Grants grants = verifier.verify(token);
        assertThat(grants.subject()).isEqualTo("alice");
        assertThat(grants.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(grants.mayPublish("demo")).isTrue();
        assertThat(grants.maySubscribe("user.alice.x")).isTrue();
        assertThat(grants.mayPublish("user.alice.x")).isFalse();
    }

    @Test
    void rsaAndEcPrivateKeysSignTokensTheirPublicKeysVerify() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (KeyPair pair : List.of(rsa.generateKeyPair(), ec.generateKeyPair())) {
            String token = TokenMinter.privateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "k1")
                    .mint("bob", List.of(), List.of("news*"), null, "herald", NOW, Duration.ofMinutes(5));
            TokenVerifier verifier = new TokenVerifier(AuthKeys.of(null, pem("PUBLIC KEY", pair.getPublic().getEncoded()), null,
                    Duration.ofSeconds(1)), null, "herald", Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC));
            assertThat(verifier.verify(token).maySubscribe("news.1")).as(pair.getPublic().getAlgorithm()).isTrue();
        }
    }

    @Test
    void badPatternsAndLifetimesAreRefusedBeforeSigning() {
        TokenMinter minter = TokenMinter.hmac(SECRET);
        assertThatThrownBy(() -> minter.mint("a", List.of("a*b"), List.of(), null, null, NOW, Duration.ofHours(1)))
                .hasMessageContaining("'*' before its end");
        assertThatThrownBy(() -> minter.mint("a", List.of(), List.of(), null, null, NOW, Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> TokenMinter.hmac("short")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> TokenMinter.privateKey("-----BEGIN PUBLIC KEY-----\nAA\n-----END PUBLIC KEY-----", null))
                .hasMessageContaining("PKCS#8");
    }
}
