package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.herald.server.auth.AuthConfig;
import dev.herald.server.auth.AuthKeys;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.TokenVerifier;
import org.junit.jupiter.api.Test;

/** The tokens of bench auth verify with the settings they come with, and grant what the benchmark uses. */
class BenchTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void eachSubscriberHasATokenOfItsOwnThatFollowsTheRoomsAndPublishesNowhere() {
        BenchTokens tokens = BenchTokens.hmac(3, NOW);
        TokenVerifier verifier = verifier(tokens);
        for (int i = 0; i < 3; i++) {
            Grants grants = verifier.verify(tokens.subscriber(i));
            assertThat(grants.subject()).isEqualTo("user-" + i);
            assertThat(grants.expiresAt()).isEqualTo(NOW.plus(BenchTokens.TTL));
            assertThat(grants.maySubscribe(BenchTokens.ROOM_PREFIX + "7")).isTrue();
            assertThat(grants.maySubscribe("user.user-" + i + ".inbox")).isTrue();
            assertThat(grants.maySubscribe(BenchPayloads.channel(0))).isFalse();
            assertThat(grants.mayPublish(BenchTokens.ROOM_PREFIX + "7")).isFalse();
        }
        assertThat(tokens.subscriber(0)).isNotEqualTo(tokens.subscriber(1));
        assertThatThrownBy(() -> tokens.subscriber(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 subscribers");
    }

    @Test
    void thePublishersTokenPublishesToTheRoomsAndTheIngestChannels() {
        BenchTokens tokens = BenchTokens.hmac(1, NOW);
        Grants grants = verifier(tokens).verify(tokens.publisher());
        assertThat(grants.mayPublish(BenchTokens.ROOM_PREFIX + "2")).isTrue();
        assertThat(grants.mayPublish(BenchPayloads.channel(63))).isTrue();
        assertThat(grants.maySubscribe(BenchTokens.ROOM_PREFIX + "2")).isFalse();
    }

    @Test
    void withTokensOffTheServicesAreToldSoAndNobodySendsOne() {
        BenchTokens off = BenchTokens.off();
        assertThat(off.on()).isFalse();
        assertThat(off.settings()).containsExactlyEntriesOf(Map.of(AuthConfig.MODE, AuthConfig.MODE_NONE));
        assertThat(off.publisher()).isNull();
        assertThat(off.subscriber(12_345)).isNull();
    }

    /** A verifier set up as the services are from {@code tokens.settings()}. */
    private static TokenVerifier verifier(BenchTokens tokens) {
        assertThat(tokens.settings()).containsEntry(AuthConfig.MODE, AuthConfig.MODE_JWT);
        AuthKeys keys = AuthKeys.of(tokens.settings().get(AuthConfig.HMAC_SECRET), null, null, Duration.ofSeconds(30));
        return new TokenVerifier(keys, tokens.settings().get(AuthConfig.ISSUER), tokens.settings().get(AuthConfig.AUDIENCE),
                Duration.ZERO, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));
    }
}
