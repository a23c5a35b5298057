package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final LimitRefusals refusals = new LimitRefusals();

    private KeyedRateLimiter<String> limiter(Rate rate, long maxKeys) {
        return new KeyedRateLimiter<>(LimitReason.PUBLISHES, rate, maxKeys, nanos::get, refusals);
    }

    @Test
    void aNewKeyMayTakeItsWholeBurstAtOnceAndThenIsRefused() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 20), 100);

        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryAcquire("alice", 1)).as("permit %d", i).isSameAs(Decision.ALLOWED);
        }
        assertThat(limiter.tryAcquire("alice", 1)).isInstanceOf(Refusal.class);
    }

    @Test
    void aRefusalSaysHowLongUntilEnoughPermitsRefill() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 10), 100);
        limiter.tryAcquire("alice", 10);

        Decision one = limiter.tryAcquire("alice", 1);
        Decision five = limiter.tryAcquire("alice", 5);

        assertThat(one).isEqualTo(new Refusal(LimitReason.PUBLISHES, 100 * MS));
        assertThat(five).isEqualTo(new Refusal(LimitReason.PUBLISHES, 500 * MS));
        assertThat(((Refusal) five).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void permitsRefillOverTimeAtTheRate() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 10), 100);
        limiter.tryAcquire("alice", 10);

        nanos.addAndGet(99 * MS);
        assertThat(limiter.tryAcquire("alice", 1)).isEqualTo(new Refusal(LimitReason.PUBLISHES, MS));

        nanos.addAndGet(MS);
        assertThat(limiter.tryAcquire("alice", 1)).isSameAs(Decision.ALLOWED);
        assertThat(limiter.tryAcquire("alice", 1).allowed()).isFalse();

        nanos.addAndGet(300 * MS);
        assertThat(limiter.tryAcquire("alice", 3)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void refillStopsAtTheBurst() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 5), 100);
        limiter.tryAcquire("alice", 5);

        nanos.addAndGet(TimeUnit.MINUTES.toNanos(10));

        assertThat(limiter.tryAcquire("alice", 5)).isSameAs(Decision.ALLOWED);
        assertThat(limiter.tryAcquire("alice", 1).allowed()).isFalse();
    }

    @Test
    void aRefusalTakesNothing() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 10), 100);
        limiter.tryAcquire("alice", 6);

        assertThat(limiter.tryAcquire("alice", 5).allowed()).isFalse();
        assertThat(limiter.tryAcquire("alice", 4)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(1, 1), 100);

        assertThat(limiter.tryAcquire("alice", 1)).isSameAs(Decision.ALLOWED);
        assertThat(limiter.tryAcquire("alice", 1).allowed()).isFalse();
        assertThat(limiter.tryAcquire("bob", 1)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void moreThanTheBurstPassesWhenTheBucketIsFullAndIsPaidForAfterwards() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(100, 100), 100);

        assertThat(limiter.tryAcquire("alice", 300)).isSameAs(Decision.ALLOWED);

        // the bucket owes 200 permits: 2 s until it is back at 0, 2.01 s until one permit exists
        assertThat(limiter.tryAcquire("alice", 1)).isEqualTo(new Refusal(LimitReason.PUBLISHES, 2_010 * MS));
        nanos.addAndGet(2_010 * MS);
        assertThat(limiter.tryAcquire("alice", 1)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void moreThanTheBurstIsRefusedUntilTheBucketIsFullAgain() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(100, 100), 100);
        limiter.tryAcquire("alice", 40);

        assertThat(limiter.tryAcquire("alice", 1_000)).isEqualTo(new Refusal(LimitReason.PUBLISHES, 400 * MS));
        assertThat(limiter.tryAcquire("alice", 60)).as("the refusal took nothing").isSameAs(Decision.ALLOWED);

        nanos.addAndGet(1_000 * MS);
        assertThat(limiter.tryAcquire("alice", 1_000)).isSameAs(Decision.ALLOWED);
        assertThat(limiter.tryAcquire("alice", 1_000)).as("a second one waits for the first's debt and a full bucket")
                .isEqualTo(new Refusal(LimitReason.PUBLISHES, 10_000 * MS));
    }

    @Test
    void theLargestRequestOwesItsWholeSizeWithoutOverflow() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(1, 1), 100);

        assertThat(limiter.tryAcquire("alice", Integer.MAX_VALUE)).isSameAs(Decision.ALLOWED);

        Refusal refusal = (Refusal) limiter.tryAcquire("alice", 1);
        assertThat(refusal.retryAfterSeconds()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void zeroPermitsAreAlwaysAllowedAndNegativeOnesAreABug() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(1, 1), 100);
        limiter.tryAcquire("alice", 1);

        assertThat(limiter.tryAcquire("alice", 0)).isSameAs(Decision.ALLOWED);
        assertThatThrownBy(() -> limiter.tryAcquire("alice", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnlimitedRateAllowsEverythingAndKeepsNoKeys() {
        KeyedRateLimiter<String> limiter = limiter(Rate.UNLIMITED, 100);

        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("key-" + i, Integer.MAX_VALUE)).isSameAs(Decision.ALLOWED);
        }
        assertThat(limiter.estimatedKeys()).isZero();
        assertThat(refusals.count(LimitReason.PUBLISHES)).isZero();
    }

    @Test
    void refusalsAreCountedUnderTheLimitersReason() {
        KeyedRateLimiter<String> limiter = new KeyedRateLimiter<>(LimitReason.PUBLISH_BYTES, new Rate(1, 1), 100, nanos::get, refusals);
        limiter.tryAcquire("alice", 1);

        Decision refused = limiter.tryAcquire("alice", 1);
        limiter.tryAcquire("alice", 1);

        assertThat(((Refusal) refused).reason()).isEqualTo(LimitReason.PUBLISH_BYTES);
        assertThat(refusals.count(LimitReason.PUBLISH_BYTES)).isEqualTo(2);
        assertThat(refusals.count(LimitReason.PUBLISHES)).isZero();
    }

    @Test
    void manyDistinctKeysStayWithinTheBound() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(10, 10), 10_000);

        for (int i = 0; i < 1_000_000; i++) {
            limiter.tryAcquire("client-" + i, 1);
        }
        limiter.cleanUp();

        assertThat(limiter.estimatedKeys()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void anEvictedKeyStartsAgainWithAFullBucket() {
        KeyedRateLimiter<String> limiter = limiter(new Rate(1, 1), 100);
        limiter.tryAcquire("alice", 1);
        assertThat(limiter.tryAcquire("alice", 1).allowed()).isFalse();

        // keys in steadier use than alice push her out (Caffeine weighs frequency as well as recency)
        for (int i = 0; i < 10_000; i++) {
            for (int use = 0; use < 5; use++) {
                limiter.tryAcquire("other-" + i, 1);
            }
        }
        limiter.cleanUp();

        assertThat(limiter.estimatedKeys()).isLessThanOrEqualTo(100);
        assertThat(limiter.tryAcquire("alice", 1)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void threadsRacingForOneKeyShareOneBucket() throws Exception {
        KeyedRateLimiter<String> limiter = limiter(new Rate(1, 1_000), 100);
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger oversizedAllowed = new AtomicInteger();

        race(8, () -> {
            for (int i = 0; i < 500; i++) {
                if (limiter.tryAcquire("alice", 1).allowed()) {
                    allowed.incrementAndGet();
                }
                if (limiter.tryAcquire("bob", 5_000).allowed()) {
                    oversizedAllowed.incrementAndGet();
                }
            }
        });

        assertThat(allowed).as("the clock stood still: exactly one burst").hasValue(1_000);
        assertThat(oversizedAllowed).as("one oversized request per full bucket").hasValue(1);
    }

    private static void race(int threads, Runnable work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    work.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void maxKeysMustBePositive() {
        assertThatThrownBy(() -> limiter(Rate.perSecond(1), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 0");
    }
}
