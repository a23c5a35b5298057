package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PublishLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong nanos = new AtomicLong();
    private final LimitRefusals refusals = new LimitRefusals();
    private final PublishLimiter limiter = new PublishLimiter(new Rate(2, 2), new Rate(1_000, 1_000), 100, nanos::get, refusals);

    @Test
    void tooManyPublishesAreRefusedForTheirCount() {
        limiter.tryPublish("sub:alice", 1, 10);
        limiter.tryPublish("sub:alice", 1, 10);

        assertThat(limiter.tryPublish("sub:alice", 1, 10)).isEqualTo(new Refusal(LimitReason.PUBLISHES, 500 * MS));
        assertThat(refusals.count(LimitReason.PUBLISHES)).isEqualTo(1);
    }

    @Test
    void tooManyBytesAreRefusedForTheirSize() {
        limiter.tryPublish("sub:alice", 1, 900);

        assertThat(limiter.tryPublish("sub:alice", 1, 200)).isEqualTo(new Refusal(LimitReason.PUBLISH_BYTES, 100 * MS));
        assertThat(refusals.count(LimitReason.PUBLISH_BYTES)).isEqualTo(1);
    }

    @Test
    void aPublishRefusedForItsBytesStillSpentItsEventPermit() {
        limiter.tryPublish("sub:alice", 1, 1_000);
        limiter.tryPublish("sub:alice", 1, 1);

        assertThat(((Refusal) limiter.tryPublish("sub:alice", 1, 0)).reason()).isEqualTo(LimitReason.PUBLISHES);
    }

    @Test
    void aBodyLargerThanTheBytesBurstPassesOnAFullBucket() {
        assertThat(limiter.tryPublish("sub:alice", 1, 5_000)).isSameAs(Decision.ALLOWED);
        nanos.addAndGet(1_000 * MS);
        assertThat(((Refusal) limiter.tryPublish("sub:alice", 1, 1)).retryAfterSeconds()).isEqualTo(4);
    }

    @Test
    void aBatchTakesAPermitPerLine() {
        limiter.tryPublish("sub:alice", 1, 10);

        assertThat(limiter.tryPublish("sub:alice", 2, 20)).isEqualTo(new Refusal(LimitReason.PUBLISHES, 500 * MS));
        assertThat(limiter.tryPublish("sub:alice", 1, 10)).isSameAs(Decision.ALLOWED);
    }

    @Test
    void aBatchOfMoreLinesThanTheBurstPassesOnAFullBucketAndIsPaidFor() {
        assertThat(limiter.tryPublish("sub:bob", 3, 30)).isSameAs(Decision.ALLOWED);

        assertThat(limiter.tryPublish("sub:bob", 1, 10)).isEqualTo(new Refusal(LimitReason.PUBLISHES, 1_000 * MS));
    }

    @Test
    void publishersAreSubjectsOrAddressesWhenAnonymousAndNeverConfused() {
        assertThat(PublishLimiter.publisher("alice", "10.0.0.1")).isEqualTo("sub:alice");
        assertThat(PublishLimiter.publisher(null, "10.0.0.1")).isEqualTo("addr:10.0.0.1");
        assertThat(PublishLimiter.publisher("", "10.0.0.1")).isEqualTo("addr:10.0.0.1");
        assertThat(PublishLimiter.publisher("10.0.0.1", "10.0.0.2")).isNotEqualTo(PublishLimiter.publisher(null, "10.0.0.1"));
    }
}
