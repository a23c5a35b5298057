package dev.herald.server.limits;

import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;

/**
 * A {@link Rate} per key (a publisher's subject, a client address): each key has its own token
 * bucket, made full on the key's first use.
 *
 * <p>Taking permits ({@link #tryAcquire}):
 * <ul>
 *   <li>as many as the bucket holds: they are taken, {@link Decision#ALLOWED};</li>
 *   <li>more than it holds, but no more than its burst: nothing is taken, a {@link Refusal}
 *       with the time until the bucket holds enough;</li>
 *   <li>more than the burst (a body larger than the bytes-a-second burst): such a request could
 *       never fit, so it is allowed when the bucket is full, and the bucket goes into debt by the
 *       excess: the key then waits as long as the rate needs to pay for the whole request, so the
 *       average rate still holds. While the bucket is not full, it is refused with the time until
 *       it is. So an oversized request is never refused forever, and never passes the rate.</li>
 * </ul>
 *
 * <p>Memory is bounded: the buckets live in a Caffeine cache of at most {@code maxKeys} keys, and
 * past that Caffeine evicts the key least likely to be used again (its policy weighs recency and
 * frequency, so a flood of one-off keys does not push out the keys in steady use). An evicted key
 * simply starts again with a full bucket, as a key idle long enough would have: evicting forgets
 * recent use, so the bound should exceed the keys active at once. A key's bucket with its cache
 * entry is about 320 bytes besides the key itself (measured; see {@link Buckets}), so 100,000
 * keys of short subjects take about 35 MB.
 *
 * <p>An {@link Rate#UNLIMITED unlimited} rate allows everything and keeps nothing.
 *
 * <p>Thread-safe: any thread may take permits of any key.
 *
 * @param <K> the key type; its {@code equals} and {@code hashCode} define what one key is
 */
public final class KeyedRateLimiter<K> {

    /*
     * Design: the cache runs its maintenance (eviction) on the calling thread rather than on the
     * common ForkJoinPool, so the bound holds without depending on a shared pool's threads, and
     * tests see it at once after cleanUp(). Its cost is amortised over the writes that add keys.
     *
     * A key's bucket is made by Caffeine's get(key, function), atomically per key, so two first
     * requests of a key share one bucket. The bandwidth, and so the Bandwidth object, is the same
     * for every key; only the bucket's state is per key.
     */

    private final LimitReason reason;
    private final Rate rate;
    private final LimitRefusals refusals;
    private final Cache<K, LocalBucket> buckets;
    private final Function<K, LocalBucket> newBucket;

    /**
     * @param reason   what a refusal of this limiter is counted and reported as
     * @param rate     the rate per key; {@link Rate#UNLIMITED} turns the limiter off
     * @param maxKeys  most keys with a bucket at once, at least 1
     * @param ticker   the clock, in nanoseconds ({@link Ticker#systemTicker()} in production;
     *                 tests pass a manual one)
     * @param refusals where refusals are counted
     */
    public KeyedRateLimiter(LimitReason reason, Rate rate, long maxKeys, Ticker ticker, LimitRefusals refusals) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
        }
        this.reason = reason;
        this.rate = rate;
        this.refusals = refusals;
        if (rate.unlimited()) {
            this.buckets = null;
            this.newBucket = null;
        } else {
            Bandwidth bandwidth = Buckets.bandwidth(rate);
            TimeMeter meter = Buckets.meter(ticker);
            this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
            this.newBucket = key -> Buckets.lockFree(bandwidth, meter);
        }
    }

    /**
     * Takes {@code permits} of {@code key}'s bucket, as the class comment says.
     *
     * @param permits how many (1 for a request, the body's length for bytes); 0 is always allowed
     * @return {@link Decision#ALLOWED}, or a {@link Refusal} of this limiter's reason
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Decision tryAcquire(K key, int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, not " + permits);
        }
        if (buckets == null || permits == 0) {
            return Decision.ALLOWED;
        }
        LocalBucket bucket = buckets.get(key, newBucket);
        if (permits <= rate.burst()) {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(permits);
            return probe.isConsumed() ? Decision.ALLOWED : refuse(probe.getNanosToWaitForRefill());
        }
        // More than a full bucket: take the whole bucket, atomically, so only one oversized request
        // passes per full bucket; then owe the rest (at most Integer.MAX_VALUE permits, so the debt's
        // wait, debt / perSecond seconds, cannot overflow Bucket4j's nanosecond arithmetic).
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(rate.burst());
        if (!probe.isConsumed()) {
            return refuse(probe.getNanosToWaitForRefill());
        }
        bucket.consumeIgnoringRateLimits(permits - rate.burst());
        return Decision.ALLOWED;
    }

    private Refusal refuse(long retryAfterNanos) {
        refusals.record(reason);
        return new Refusal(reason, retryAfterNanos);
    }

    /** The rate per key. */
    public Rate rate() {
        return rate;
    }

    /** About how many keys have a bucket now (0 when unlimited); for metrics and tests. */
    public long estimatedKeys() {
        return buckets == null ? 0 : buckets.estimatedSize();
    }

    /** Runs pending evictions now; for tests. */
    void cleanUp() {
        if (buckets != null) {
            buckets.cleanUp();
        }
    }
}
