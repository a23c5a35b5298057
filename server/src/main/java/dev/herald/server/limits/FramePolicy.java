package dev.herald.server.limits;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.TimeMeter;

/**
 * The frame limit of an edge's WebSocket connections, shared by all of them: the {@link Rate} of
 * frames a client may send, and when refusals turn into a close. Each connection gets its own
 * {@link FrameLimiter} from {@link #newLimiter()}; everything the limiters have in common stays
 * here, once.
 *
 * <p>The close policy: a connection's refused frames are answered with error frames until
 * {@code closeAfterRefusals} of them fall within {@code refusalWindow} of the first of them; that
 * one is answered with a close (4029). A refused frame after the window has passed starts a new
 * window. So a client that slows down when told keeps its connection; one that keeps sending into
 * refusals is closed. With {@code closeAfterRefusals} 1, the first refused frame closes.
 *
 * <p>Immutable and thread-safe.
 */
public final class FramePolicy {

    private final Rate frames;
    private final int closeAfterRefusals;
    private final long refusalWindowNanos;
    private final Ticker ticker;
    private final LimitRefusals refusals;
    private final Bandwidth bandwidth;
    private final TimeMeter meter;

    /**
     * @param frames             frames a second per connection, with a burst; {@link Rate#UNLIMITED}
     *                           for no limit
     * @param closeAfterRefusals the refused frame, counted within the window, that closes: at least 1
     * @param refusalWindow      the window refusals are counted in: positive
     * @param ticker             the clock, in nanoseconds
     * @param refusals           where refused frames are counted
     */
    public FramePolicy(Rate frames, int closeAfterRefusals, Duration refusalWindow, Ticker ticker, LimitRefusals refusals) {
        if (closeAfterRefusals < 1) {
            throw new IllegalArgumentException("closeAfterRefusals must be at least 1, not " + closeAfterRefusals);
        }
        if (refusalWindow.isNegative() || refusalWindow.isZero()) {
            throw new IllegalArgumentException("the refusal window must be positive, not " + refusalWindow);
        }
        this.frames = frames;
        this.closeAfterRefusals = closeAfterRefusals;
        this.refusalWindowNanos = refusalWindow.toNanos();
        this.ticker = ticker;
        this.refusals = refusals;
        this.bandwidth = frames.unlimited() ? null : Buckets.bandwidth(frames);
        this.meter = Buckets.meter(ticker);
    }

    /**
     * A limiter for one new connection, with a full bucket. With an unlimited rate it is one shared
     * limiter that allows every frame and holds no state.
     */
    public FrameLimiter newLimiter() {
        return bandwidth == null ? FrameLimiter.UNLIMITED : new FrameLimiter(this, Buckets.confined(bandwidth, meter));
    }

    /** Frames a second per connection. */
    public Rate frames() {
        return frames;
    }

    int closeAfterRefusals() {
        return closeAfterRefusals;
    }

    long refusalWindowNanos() {
        return refusalWindowNanos;
    }

    long nowNanos() {
        return ticker.read();
    }

    LimitRefusals refusals() {
        return refusals;
    }
}
