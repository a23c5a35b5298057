package dev.herald.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

    private final AtomicLong nanos = new AtomicLong();
    private final IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(5), 1_000, nanos::get);
    private final Published first = new Published("k", "c", "pos", 0, 1);

    @Test
    void aRepeatWithinTheWindowGetsTheFirstPublish() {
        CompletableFuture<Published> pending = new CompletableFuture<>();
        assertThat(cache.claim("c", "k", pending)).isNull();
        pending.complete(first);

        assertThat(cache.claim("c", "k", new CompletableFuture<>())).isCompletedWithValue(first);
    }

    @Test
    void aRepeatWhileTheFirstIsInFlightSharesItsFuture() {
        CompletableFuture<Published> pending = new CompletableFuture<>();
        cache.claim("c", "k", pending);

        assertThat(cache.claim("c", "k", new CompletableFuture<>())).isSameAs(pending);
    }

    @Test
    void afterTheWindowTheKeyCanBeUsedAgain() {
        CompletableFuture<Published> pending = new CompletableFuture<>();
        cache.claim("c", "k", pending);
        pending.complete(first);

        nanos.addAndGet(Duration.ofMinutes(5).plusMillis(1).toNanos());

        assertThat(cache.claim("c", "k", new CompletableFuture<>())).isNull();
    }

    @Test
    void aFailedPublishIsForgottenSoTheRetryCanWrite() {
        CompletableFuture<Published> pending = new CompletableFuture<>();
        cache.claim("c", "k", pending);
        pending.completeExceptionally(new RuntimeException("broker down"));

        assertThat(cache.claim("c", "k", new CompletableFuture<>())).isNull();
    }

    @Test
    void keysAreScopedToTheirChannel() {
        cache.claim("c", "k", new CompletableFuture<>());
        assertThat(cache.claim("other", "k", new CompletableFuture<>())).isNull();
    }

    @Test
    void aZeroWindowRemembersNothing() {
        IdempotencyCache off = new IdempotencyCache(Duration.ZERO, 1_000, nanos::get);
        off.claim("c", "k", CompletableFuture.completedFuture(first));
        assertThat(off.claim("c", "k", new CompletableFuture<>())).isNull();
    }
}
