package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AuthConfigTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static AbstractConfig config(Map<String, String> values) {
        return new AbstractConfig(AuthConfig.define(new ConfigDef()), values, false);
    }

    @Test
    void tokensAreOnByDefaultAndAServiceWithNoKeysDoesNotStart() {
        assertThatThrownBy(() -> AuthConfig.read(config(Map.of()), Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AuthConfig.HMAC_SECRET).hasMessageContaining("auth.mode=none");
    }

    @Test
    void modeNoneGivesEveryoneEverything() {
        Authenticator open = AuthConfig.read(config(Map.of(AuthConfig.MODE, "none")), Clock.systemUTC());
        assertThat(open.required()).isFalse();
        Grants anyone = open.authenticate(null);
        assertThat(anyone.mayPublish("any.channel")).isTrue();
        assertThat(anyone.maySubscribe("x")).isTrue();
        assertThat(anyone.expiresAt()).isNull();
    }

    @Test
    void anHmacSecretVerifiesTokensWithTheConfiguredIssuer() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        Authenticator auth = AuthConfig.read(config(Map.of(AuthConfig.HMAC_SECRET, SECRET, AuthConfig.ISSUER, "herald-test")),
                Clock.fixed(now, java.time.ZoneOffset.UTC));
        assertThat(auth.required()).isTrue();
        assertThat(auth.mayBlock()).isFalse();
        TokenMinter minter = TokenMinter.hmac(SECRET);
        String good = minter.mint("alice", List.of("demo*"), List.of(), "herald-test", null, now, Duration.ofMinutes(5));
        assertThat(auth.authenticate(good).mayPublish("demo.1")).isTrue();
        String otherIssuer = minter.mint("alice", List.of("demo*"), List.of(), "someone-else", null, now, Duration.ofMinutes(5));
        assertThatThrownBy(() -> auth.authenticate(otherIssuer)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.problem()).isEqualTo(TokenProblem.WRONG_ISSUER));
        assertThatThrownBy(() -> auth.authenticate(null)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.problem()).isEqualTo(TokenProblem.MISSING));
    }

    @Test
    void aShortSecretOrABadUrlIsNamed() {
        assertThatThrownBy(() -> AuthConfig.read(config(Map.of(AuthConfig.HMAC_SECRET, "short")), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> AuthConfig.read(config(Map.of(AuthConfig.JWKS_URL, "file:///etc/passwd")), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuthConfig.JWKS_URL);
        assertThatThrownBy(() -> AuthConfig.read(config(Map.of(AuthConfig.PUBLIC_KEYS_FILE, "/nonexistent/keys.pem")), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuthConfig.PUBLIC_KEYS_FILE);
        assertThatThrownBy(() -> config(Map.of(AuthConfig.MODE, "maybe"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(AuthConfig.MODE);
    }
}
