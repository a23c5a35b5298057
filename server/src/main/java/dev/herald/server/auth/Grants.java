package dev.herald.server.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token allows: its subject, when it expires, the channels it may publish to
 * and subscribe to (the {@code herald.pub} and {@code herald.sub} claims; none when absent), and
 * whether it may operate the services ({@code herald.admin: true}: the admin page and its data,
 * replay through an edge).
 *
 * @param subject   the {@code sub} claim, or {@code null}
 * @param expiresAt the {@code exp} claim, or {@code null} for grants that never expire (tokens off)
 * @param publish   where the holder may publish
 * @param subscribe what the holder may follow
 * @param admin     whether the holder may use the admin endpoints
 */
public record Grants(String subject, Instant expiresAt, List<ChannelPattern> publish, List<ChannelPattern> subscribe, boolean admin) {

    private static final Grants EVERYTHING = new Grants(null, null, List.of(ChannelPattern.parse("*")), List.of(ChannelPattern.parse("*")),
            true);

    public Grants {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    /** Grants without the admin permission. */
    public Grants(String subject, Instant expiresAt, List<ChannelPattern> publish, List<ChannelPattern> subscribe) {
        this(subject, expiresAt, publish, subscribe, false);
    }

    /** Every channel, for publishing and subscribing, and the admin endpoints, never expiring: what anyone has with tokens off. */
    public static Grants everything() {
        return EVERYTHING;
    }

    /** Whether the holder may publish to {@code channel}. */
    public boolean mayPublish(String channel) {
        return anyMatches(publish, channel);
    }

    /** Whether the holder may subscribe to {@code channel}. */
    public boolean maySubscribe(String channel) {
        return anyMatches(subscribe, channel);
    }

    private boolean anyMatches(List<ChannelPattern> patterns, String channel) {
        for (ChannelPattern p : patterns) {
            if (p.matches(channel, subject)) {
                return true;
            }
        }
        return false;
    }
}
