package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FrameLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final LimitRefusals refusals = new LimitRefusals();

    private FramePolicy policy(Rate frames, int closeAfterRefusals, Duration window) {
        return new FramePolicy(frames, closeAfterRefusals, window, nanos::get, refusals);
    }

    private static List<FrameDecision> send(FrameLimiter limiter, int frames) {
        List<FrameDecision> decisions = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            decisions.add(limiter.tryFrame());
        }
        return decisions;
    }

    @Test
    void aConnectionMaySendItsBurstAtOnceThenFramesAreRefused() {
        FrameLimiter limiter = policy(new Rate(10, 5), 100, Duration.ofSeconds(10)).newLimiter();

        assertThat(send(limiter, 5)).containsOnly(FrameDecision.ALLOWED);
        assertThat(limiter.tryFrame()).isEqualTo(FrameDecision.REFUSED);
        assertThat(refusals.count(LimitReason.FRAMES)).isEqualTo(1);
    }

    @Test
    void framesRefillAtTheRate() {
        FrameLimiter limiter = policy(new Rate(10, 5), 100, Duration.ofSeconds(10)).newLimiter();
        send(limiter, 5);

        nanos.addAndGet(99 * MS);
        assertThat(limiter.tryFrame()).isEqualTo(FrameDecision.REFUSED);
        nanos.addAndGet(MS);
        assertThat(limiter.tryFrame()).isEqualTo(FrameDecision.ALLOWED);

        nanos.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(send(limiter, 6)).containsExactly(FrameDecision.ALLOWED, FrameDecision.ALLOWED, FrameDecision.ALLOWED,
                FrameDecision.ALLOWED, FrameDecision.ALLOWED, FrameDecision.REFUSED);
    }

    @Test
    void theNthRefusalWithinTheWindowClosesAndCloseStays() {
        FrameLimiter limiter = policy(new Rate(1, 1), 3, Duration.ofSeconds(10)).newLimiter();
        limiter.tryFrame();

        assertThat(send(limiter, 3)).containsExactly(FrameDecision.REFUSED, FrameDecision.REFUSED, FrameDecision.CLOSE);

        nanos.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(limiter.tryFrame()).as("a closed connection stays closed even with permits back").isEqualTo(FrameDecision.CLOSE);
        assertThat(refusals.count(LimitReason.FRAMES)).as("each refused frame counts once").isEqualTo(3);
    }

    @Test
    void refusalsSpreadOverMoreThanTheWindowOnlyGetErrorFrames() {
        FrameLimiter limiter = policy(new Rate(1, 1), 3, Duration.ofSeconds(10)).newLimiter();
        limiter.tryFrame();

        // two refusals, then the window passes: its count starts again
        assertThat(send(limiter, 2)).containsOnly(FrameDecision.REFUSED);
        nanos.addAndGet(10_000 * MS);
        assertThat(limiter.tryFrame()).isEqualTo(FrameDecision.ALLOWED);
        assertThat(send(limiter, 2)).containsOnly(FrameDecision.REFUSED);
        nanos.addAndGet(9_999 * MS);
        assertThat(limiter.tryFrame()).as("a permit refilled meanwhile").isEqualTo(FrameDecision.ALLOWED);
        assertThat(limiter.tryFrame()).as("the third refusal within 10 s of the first").isEqualTo(FrameDecision.CLOSE);
    }

    @Test
    void aClientThatSlowsDownWhenToldKeepsItsConnection() {
        FrameLimiter limiter = policy(new Rate(10, 10), 3, Duration.ofSeconds(10)).newLimiter();

        for (int second = 0; second < 60; second++) {
            List<FrameDecision> decisions = send(limiter, second % 10 == 0 ? 11 : 10);
            assertThat(decisions).doesNotContain(FrameDecision.CLOSE);
            nanos.addAndGet(1_000 * MS);
        }
    }

    @Test
    void closeAfterOneRefusalClosesAtTheFirst() {
        FrameLimiter limiter = policy(new Rate(1, 1), 1, Duration.ofSeconds(1)).newLimiter();
        limiter.tryFrame();

        assertThat(limiter.tryFrame()).isEqualTo(FrameDecision.CLOSE);
    }

    @Test
    void eachConnectionHasItsOwnBucketAndCount() {
        FramePolicy policy = policy(new Rate(1, 1), 2, Duration.ofSeconds(10));
        FrameLimiter a = policy.newLimiter();
        FrameLimiter b = policy.newLimiter();

        assertThat(send(a, 3)).containsExactly(FrameDecision.ALLOWED, FrameDecision.REFUSED, FrameDecision.CLOSE);
        assertThat(b.tryFrame()).isEqualTo(FrameDecision.ALLOWED);
    }

    @Test
    void anUnlimitedRateAllowsEveryFrameWithOneSharedLimiter() {
        FramePolicy policy = policy(Rate.UNLIMITED, 1, Duration.ofSeconds(1));

        assertThat(policy.newLimiter()).isSameAs(policy.newLimiter());
        assertThat(send(policy.newLimiter(), 100_000)).containsOnly(FrameDecision.ALLOWED);
        assertThat(refusals.count(LimitReason.FRAMES)).isZero();
    }

    @Test
    void aPolicyChecksItsSettings() {
        assertThatThrownBy(() -> policy(Rate.perSecond(1), 0, Duration.ofSeconds(1))).hasMessageContaining("not 0");
        assertThatThrownBy(() -> policy(Rate.perSecond(1), 1, Duration.ZERO)).hasMessageContaining("positive");
    }
}
