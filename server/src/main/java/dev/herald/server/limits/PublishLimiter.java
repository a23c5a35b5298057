package dev.herald.server.limits;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Ingest's limits per publisher: events a second ({@link LimitReason#PUBLISHES}) and payload
 * bytes a second ({@link LimitReason#PUBLISH_BYTES}), each a {@link KeyedRateLimiter} keyed by
 * {@link #publisher(String, String)}: the token's subject, or the client address when the
 * publisher is anonymous.
 *
 * <p>{@link #tryPublish} checks events first, then bytes. A publish refused for its bytes has
 * still spent its event permits: it was an attempt, and a client retrying oversized publishes
 * at once should meet the events limit too. A body larger than the bytes burst is allowed when
 * the publisher's bytes bucket is full, and paid for afterwards (see {@link KeyedRateLimiter}).
 *
 * <p>Thread-safe.
 */
public final class PublishLimiter {

    private final KeyedRateLimiter<String> events;
    private final KeyedRateLimiter<String> bytes;

    /**
     * @param events  events a second per publisher; {@link Rate#UNLIMITED} for no limit
     * @param bytes   payload bytes a second per publisher; {@link Rate#UNLIMITED} for no limit
     * @param maxKeys most publishers with buckets at once (in each of the two limits)
     * @param ticker  the clock, in nanoseconds
     * @param refusals where refusals are counted
     */
    public PublishLimiter(Rate events, Rate bytes, long maxKeys, Ticker ticker, LimitRefusals refusals) {
        this.events = new KeyedRateLimiter<>(LimitReason.PUBLISHES, events, maxKeys, ticker, refusals);
        this.bytes = new KeyedRateLimiter<>(LimitReason.PUBLISH_BYTES, bytes, maxKeys, ticker, refusals);
    }

    /**
     * The key of a publisher: its token's subject, or, when it has none (no token, or a token
     * without {@code sub}), its client address. The two are told apart, so a subject that looks
     * like an address shares nothing with that address.
     */
    public static String publisher(String subject, String address) {
        return subject == null || subject.isEmpty() ? "addr:" + address : "sub:" + subject;
    }

    /**
     * Takes {@code eventCount} events and {@code payloadBytes} bytes of {@code publisher}'s limits
     * (one event and its body's length for a single publish; a batch's line count and data bytes).
     *
     * @return {@link Decision#ALLOWED}, or the {@link Refusal} of the first limit that refused
     */
    public Decision tryPublish(String publisher, int eventCount, int payloadBytes) {
        Decision decision = events.tryAcquire(publisher, eventCount);
        return decision.allowed() ? bytes.tryAcquire(publisher, payloadBytes) : decision;
    }

    /** The events limit. */
    public KeyedRateLimiter<String> events() {
        return events;
    }

    /** The bytes limit. */
    public KeyedRateLimiter<String> bytes() {
        return bytes;
    }
}
