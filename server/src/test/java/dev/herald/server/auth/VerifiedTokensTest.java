package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger verifications = new AtomicInteger();

    private Grants expiringIn(Duration d) {
        verifications.incrementAndGet();
        return new Grants("alice", NOW.plus(d), List.of(ChannelPattern.parse("demo*")), List.of());
    }

    @Test
    void aTokenMetAgainIsNotVerifiedAgainUntilItExpires() {
        Clock[] clock = {Clock.fixed(NOW, ZoneOffset.UTC)};
        VerifiedTokens tokens = new VerifiedTokens(100, Duration.ofMinutes(1), nanos::get, new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        });
        for (int i = 0; i < 5; i++) {
            assertThat(tokens.grants("t1", t -> expiringIn(Duration.ofSeconds(30))).subject()).isEqualTo("alice");
        }
        assertThat(verifications).hasValue(1);
        clock[0] = Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC); // at exp: verified again (and refused there)
        assertThatThrownBy(() -> tokens.grants("t1", t -> {
            throw new InvalidTokenException(TokenProblem.EXPIRED, "expired");
        })).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aTokenIsTrustedForAtMostTheMaximumAgeAndRefusedOnesAreNotRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(100, Duration.ofSeconds(60), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));
        tokens.grants("t1", t -> expiringIn(Duration.ofHours(1)));
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        tokens.grants("t1", t -> expiringIn(Duration.ofHours(1)));
        assertThat(verifications).hasValue(2);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.grants("bad", t -> {
                verifications.incrementAndGet();
                throw new InvalidTokenException(TokenProblem.BAD_SIGNATURE, "no");
            })).isInstanceOf(InvalidTokenException.class);
        }
        assertThat(verifications).hasValue(5);
    }

    @Test
    void memoryIsBoundedByTheNumberOfTokens() {
        VerifiedTokens tokens = new VerifiedTokens(1_000, Duration.ofMinutes(1), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 0; i < 50_000; i++) {
            tokens.grants("t" + i, t -> expiringIn(Duration.ofHours(1)));
        }
        assertThat(tokens.size()).isLessThanOrEqualTo(1_000);
    }
}
