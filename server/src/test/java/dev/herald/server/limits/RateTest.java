package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateTest {

    @Test
    void aRateAloneHasABurstOfOneSecond() {
        assertThat(Rate.parse("100/s")).isEqualTo(new Rate(100, 100));
    }

    @Test
    void aBurstIsReadAfterTheRate() {
        assertThat(Rate.parse("100/s burst 250")).isEqualTo(new Rate(100, 250));
        assertThat(Rate.parse("  5 / S   BURST 1 ")).isEqualTo(new Rate(5, 1));
    }

    @Test
    void amountsTakeDecimalAndBinarySuffixesAndUnderscores() {
        assertThat(Rate.parse("8Mi/s burst 16Mi")).isEqualTo(new Rate(8L << 20, 16L << 20));
        assertThat(Rate.parse("2k/s burst 1Ki")).isEqualTo(new Rate(2_000, 1_024));
        assertThat(Rate.parse("1G/s burst 3Gi")).isEqualTo(new Rate(1_000_000_000, 3L << 30));
        assertThat(Rate.parse("3M/s")).isEqualTo(Rate.perSecond(3_000_000));
        assertThat(Rate.parse("1_000/s")).isEqualTo(Rate.perSecond(1_000));
    }

    @Test
    void offAndZeroTurnTheLimitOff() {
        assertThat(Rate.parse("off")).isSameAs(Rate.UNLIMITED);
        assertThat(Rate.parse(" OFF ")).isSameAs(Rate.UNLIMITED);
        assertThat(Rate.parse("0")).isSameAs(Rate.UNLIMITED);
        assertThat(Rate.UNLIMITED.unlimited()).isTrue();
        assertThat(Rate.perSecond(1).unlimited()).isFalse();
    }

    @Test
    void theTextOfARateReadsBackAsTheSameRate() {
        for (Rate rate : new Rate[] {Rate.UNLIMITED, Rate.perSecond(7), new Rate(100, 250), new Rate(1_000_000_000, 1),
                new Rate(8L << 20, 16L << 20)}) {
            assertThat(Rate.parse(rate.toString())).isEqualTo(rate);
        }
        assertThat(new Rate(100, 250)).hasToString("100/s burst 250");
        assertThat(Rate.perSecond(7)).hasToString("7/s");
        assertThat(Rate.UNLIMITED).hasToString("off");
    }

    @Test
    void aZeroRateSaysToWriteOffRatherThanRefuseEverything() {
        assertThatThrownBy(() -> Rate.parse("0/s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'0/s'").hasMessageContaining("write off");
    }

    @Test
    void malformedRatesNameTheValueAndTheExpectedForm() {
        for (String bad : new String[] {"", "fast", "100", "100/m", "100/sec", "100/s burst", "100/s burst 2 3", "-5/s", "1.5/s",
                "10x/s", "10/s burst 5kb", "10/s, burst 20"}) {
            assertThatThrownBy(() -> Rate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Rate.parse("fast")).hasMessageContaining("<n>/s burst <n>");
        assertThatThrownBy(() -> Rate.parse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rate");
    }

    @Test
    void ratesOutOfRangeAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> Rate.parse("2G/s")).hasMessageContaining("2000000000");
        assertThatThrownBy(() -> Rate.parse("10/s burst 0")).hasMessageContaining("burst must be at least 1, not 0");
        assertThatThrownBy(() -> Rate.parse("99999999999999999999/s")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Rate.parse("10/s burst 9999999999Gi")).hasMessageContaining("too large");
        assertThatThrownBy(() -> new Rate(0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rate(5, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
