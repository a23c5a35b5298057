package dev.herald.server.limits;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * An edge's limits, as read by {@link LimitsConfig#edge}.
 *
 * @param frames                frames a second per WebSocket connection
 * @param closeAfterRefusals    the refused frame within {@code refusalWindow} that closes (4029)
 * @param refusalWindow         the window refused frames are counted in
 * @param connectionsPerAddress most open connections of one client address; 0 for no cap
 * @param newConnections        new connections a second per client address
 * @param maxKeys               most client addresses with a new-connection bucket at once
 */
public record EdgeLimits(Rate frames, int closeAfterRefusals, Duration refusalWindow, int connectionsPerAddress,
                         Rate newConnections, long maxKeys) {

    public EdgeLimits {
        if (closeAfterRefusals < 1) {
            throw new IllegalArgumentException(LimitsConfig.WS_CLOSE_AFTER_REFUSALS + " must be at least 1, not " + closeAfterRefusals);
        }
        if (refusalWindow.isNegative() || refusalWindow.isZero()) {
            throw new IllegalArgumentException(LimitsConfig.WS_REFUSAL_WINDOW_MS + " must be positive, not " + refusalWindow.toMillis());
        }
        if (connectionsPerAddress < 0) {
            throw new IllegalArgumentException(LimitsConfig.CONNECTIONS_PER_ADDRESS + " must be 0 (no cap) or more, not "
                    + connectionsPerAddress);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException(LimitsConfig.MAX_KEYS + " must be at least 1, not " + maxKeys);
        }
    }

    /** The defaults of {@link LimitsConfig}. */
    public static EdgeLimits defaults() {
        return new EdgeLimits(Rate.parse(LimitsConfig.DEFAULT_WS_FRAME_RATE), LimitsConfig.DEFAULT_WS_CLOSE_AFTER_REFUSALS,
                Duration.ofMillis(LimitsConfig.DEFAULT_WS_REFUSAL_WINDOW_MS), LimitsConfig.DEFAULT_CONNECTIONS_PER_ADDRESS,
                Rate.parse(LimitsConfig.DEFAULT_NEW_CONNECTIONS_RATE), LimitsConfig.DEFAULT_MAX_KEYS);
    }

    /** The frame policy of these limits, to make each WebSocket connection's {@link FrameLimiter}. */
    public FramePolicy framePolicy(Ticker ticker, LimitRefusals refusals) {
        return new FramePolicy(frames, closeAfterRefusals, refusalWindow, ticker, refusals);
    }

    /** A connection limiter of these limits. */
    public <K> ConnectionLimiter<K> connectionLimiter(Ticker ticker, LimitRefusals refusals) {
        return new ConnectionLimiter<>(connectionsPerAddress, newConnections, maxKeys, ticker, refusals);
    }
}
