package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RefusalTest {

    @Test
    void retryAfterRoundsUpToWholeSecondsAndIsNeverZero() {
        assertThat(Refusal.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(Refusal.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(Refusal.retryAfterSeconds(1_000_000_000)).isEqualTo(1);
        assertThat(Refusal.retryAfterSeconds(1_000_000_001)).isEqualTo(2);
        assertThat(Refusal.retryAfterSeconds(59_999_999_999L)).isEqualTo(60);
        assertThat(Refusal.retryAfterSeconds(Long.MAX_VALUE)).isEqualTo(9_223_372_037L);
    }

    @Test
    void aRefusalCarriesItsReasonAndWait() {
        Refusal refusal = new Refusal(LimitReason.PUBLISHES, 1_500_000_000);
        assertThat(refusal.allowed()).isFalse();
        assertThat(refusal.admitted()).isFalse();
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(refusal.retryAfterSeconds()).isEqualTo(2);
        assertThat(Decision.ALLOWED.allowed()).isTrue();
    }

    @Test
    void aRefusalNeedsAReasonAndANonNegativeWait() {
        assertThatThrownBy(() -> new Refusal(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Refusal(LimitReason.FRAMES, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonTagsAreStableLowerCase() {
        assertThat(LimitReason.values()).extracting(LimitReason::tag)
                .containsExactly("frames", "connections", "new_connections", "publishes", "publish_bytes");
    }
}
