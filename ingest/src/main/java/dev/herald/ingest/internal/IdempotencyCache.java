package dev.herald.ingest.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Remembers, per channel and idempotency key, the first publish made with that key, for a
 * window of time and up to a number of keys (the oldest go first).
 *
 * <p>A repeat that arrives while the first publish is still waiting for Kafka shares its future,
 * so two concurrent requests with one key write one record. A publish that fails is forgotten, so
 * the client's retry can write. Keys are scoped to the channel: the same key on two channels
 * names two events.
 *
 * <p>Thread-safe.
 */
final class IdempotencyCache {

    private final ConcurrentMap<String, CompletableFuture<Published>> entries;

    /**
     * @param window  how long a key is remembered after its first use; zero disables the cache
     * @param maxKeys most keys remembered at once
     * @param ticker  the clock, in nanoseconds (tests pass a manual one)
     */
    IdempotencyCache(Duration window, long maxKeys, Ticker ticker) {
        this.entries = window.isZero() || maxKeys == 0 ? null : Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(maxKeys)
                .ticker(ticker)
                .<String, CompletableFuture<Published>>build()
                .asMap();
    }

    /**
     * Claims {@code key} on {@code channel} for a new publish.
     *
     * @param pending the future the caller will complete if the claim is won
     * @return {@code null} if the caller won the claim and must publish and complete {@code pending};
     *         otherwise the future of the first publish with this key
     */
    CompletableFuture<Published> claim(String channel, String key, CompletableFuture<Published> pending) {
        if (entries == null) {
            return null;
        }
        String k = channel + '\u0000' + key;
        CompletableFuture<Published> first = entries.putIfAbsent(k, pending);
        if (first == null) {
            pending.whenComplete((ok, error) -> {
                if (error != null) {
                    entries.remove(k, pending);
                }
            });
        }
        return first;
    }
}
