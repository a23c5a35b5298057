package dev.herald.server.limits;

import io.github.bucket4j.local.LocalBucket;

/**
 * One WebSocket connection's frame limit (made by {@link FramePolicy#newLimiter()}): a token
 * bucket of the policy's rate, and the policy's close rule counted over this connection's
 * refusals. Ask {@link #tryFrame()} for each frame the client sends.
 *
 * <p>Size: about 260 bytes of heap per connection (the limiter's own 32, Bucket4j's local
 * bucket with its state about 228; see {@link Buckets}), and nothing with an unlimited rate.
 * Taking a frame allocates nothing.
 *
 * <p>Not thread-safe: one thread at a time, each call ordered after the previous one (the
 * connection's I/O thread, which reads its frames, is the natural owner).
 */
public final class FrameLimiter {

    /** Allows every frame; shared, never written. */
    static final FrameLimiter UNLIMITED = new FrameLimiter(null, null);

    private final FramePolicy policy;
    private final LocalBucket bucket;
    private long windowStartNanos;
    private int refusalsInWindow;

    FrameLimiter(FramePolicy policy, LocalBucket bucket) {
        this.policy = policy;
        this.bucket = bucket;
    }

    /**
     * Takes one frame: {@link FrameDecision#ALLOWED} while the bucket holds a permit; otherwise
     * {@link FrameDecision#REFUSED}, or {@link FrameDecision#CLOSE} at the refusal the policy
     * closes on. Once {@code CLOSE}, always {@code CLOSE}.
     */
    public FrameDecision tryFrame() {
        if (bucket == null) {
            return FrameDecision.ALLOWED;
        }
        if (refusalsInWindow >= policy.closeAfterRefusals()) {
            return FrameDecision.CLOSE;
        }
        if (bucket.tryConsume(1)) {
            return FrameDecision.ALLOWED;
        }
        policy.refusals().record(LimitReason.FRAMES);
        long now = policy.nowNanos();
        if (refusalsInWindow == 0 || now - windowStartNanos >= policy.refusalWindowNanos()) {
            windowStartNanos = now;
            refusalsInWindow = 1;
        } else {
            refusalsInWindow++;
        }
        return refusalsInWindow >= policy.closeAfterRefusals() ? FrameDecision.CLOSE : FrameDecision.REFUSED;
    }
}
