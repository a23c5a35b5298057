package dev.herald.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.herald.server.auth.AuthConfig;
import dev.herald.server.auth.TokenMinter;

/**
 * The tokens of one Herald under benchmark: with tokens on, an HS256 secret made for the run, the
 * settings that give it to ingest and the edges, one token shared by the publishers and one token
 * for each subscriber connection; with tokens off, the setting that says so and no tokens.
 *
 * <p>Each subscriber's token has a subject of its own, {@code user-<i>}, as each user of an app
 * has, and lets it follow {@code user.{sub}.*} and {@code room-*} and publish nowhere. The
 * publishers' token (subject {@code publisher}: one backend's service token) lets them publish to
 * {@code room-*} and {@code bench-*} and follow nothing. Every token names the issuer and audience
 * the services check and is valid for {@link #TTL}. All are signed when this is made, so that no
 * measurement includes signing.
 *
 * <p>Immutable and thread-safe.
 */
final class BenchTokens {

    /** The {@code iss} every token carries and the services require. */
    static final String ISSUER = "herald-bench";
    /** The {@code aud} every token carries and the services require. */
    static final String AUDIENCE = "herald";
    /** How long every token is valid: longer than any run. */
    static final Duration TTL = Duration.ofHours(2);
    /** What every fanout channel's name starts with: the subscribers' tokens allow following these. */
    static final String ROOM_PREFIX = "room-";

    private static final BenchTokens OFF = new BenchTokens(Map.of(AuthConfig.MODE, AuthConfig.MODE_NONE), null, new String[0]);

    private final Map<String, String> settings;
    private final String publisher;
    private final String[] subscribers;

    private BenchTokens(Map<String, String> settings, String publisher, String[] subscribers) {
        this.settings = settings;
        this.publisher = publisher;
        this.subscribers = subscribers;
    }

    /** Tokens off ({@code auth.mode=none}): nobody sends one. */
    static BenchTokens off() {
        return OFF;
    }

    /**
     * Tokens on ({@code auth.mode=jwt}) with a new random HS256 secret, the publishers' token, and
     * one token for each of {@code subscribers} connections, issued at {@code now}.
     */
    static BenchTokens hmac(int subscribers, Instant now) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random); // 43 ASCII bytes
        TokenMinter minter = TokenMinter.hmac(secret);
        String publisher = minter.mint("publisher", List.of(ROOM_PREFIX + "*", "bench-*"), List.of(), ISSUER, AUDIENCE, now, TTL);
        String[] tokens = new String[subscribers];
        for (int i = 0; i < subscribers; i++) {
            tokens[i] = minter.mint("user-" + i, List.of(), List.of("user.{sub}.*", ROOM_PREFIX + "*"), ISSUER, AUDIENCE, now, TTL);
        }
        return new BenchTokens(Map.of(AuthConfig.MODE, AuthConfig.MODE_JWT, AuthConfig.HMAC_SECRET, secret,
                AuthConfig.ISSUER, ISSUER, AuthConfig.AUDIENCE, AUDIENCE), publisher, tokens);
    }

    /** Whether tokens are on. */
    boolean on() {
        return publisher != null;
    }

    /** The {@code auth.*} settings of ingest and the edges alike. */
    Map<String, String> settings() {
        return settings;
    }

    /** The publishers' token, or {@code null} with tokens off. */
    String publisher() {
        return publisher;
    }

    /**
     * Subscriber connection {@code connection}'s token, or {@code null} with tokens off.
     *
     * @throws IllegalArgumentException for a connection no token was made for
     */
    String subscriber(int connection) {
        if (!on()) {
            return null;
        }
        if (connection < 0 || connection >= subscribers.length) {
            throw new IllegalArgumentException("tokens were made for " + subscribers.length + " subscribers, not for connection "
                    + connection);
        }
        return subscribers[connection];
    }
}
