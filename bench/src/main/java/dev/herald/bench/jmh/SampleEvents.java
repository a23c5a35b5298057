package dev.herald.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;

/**
 * Inputs shaped like production ones for the micro-benchmarks: payloads of an exact size, events
 * as ingest stamps them (UUIDv7 id, ingest's source, the time of acceptance) and the log's epoch.
 * Random parts come from fixed seeds, so every run measures the same bytes.
 */
public final class SampleEvents {

    /** {@code kind} of a JSON payload, inlined in frames. */
    public static final String JSON = "json";
    /** {@code kind} of a binary payload, base64 text in frames. */
    public static final String BINARY = "binary";
    /** Partitions of the log topic, ingest's {@code topic.partitions} default. */
    public static final int PARTITIONS = 6;
    /** The smallest JSON payload {@link #json} makes. */
    static final int MIN_JSON_BYTES = 49;

    private static final String SOURCE = "herald://ingest/bench-host";
    private static final String JSON_HEAD = "{\"seq\":1024,\"price\":101.25,\"live\":true";
    private static final String JSON_TAIL_OPEN = ",\"note\":\"";
    private static final String JSON_TAIL_CLOSE = "\"}";

    private SampleEvents() {
    }

    /**
     * A JSON object of exactly {@code bytes} bytes, as an application's event: a few numbers and
     * a flag, short string fields, then one string that pads it to size.
     *
     * @throws IllegalArgumentException if {@code bytes} is below {@value #MIN_JSON_BYTES}
     */
    public static byte[] json(int bytes) {
        if (bytes < MIN_JSON_BYTES) {
            throw new IllegalArgumentException("a JSON payload takes at least " + MIN_JSON_BYTES + " bytes, not " + bytes);
        }
        int tail = JSON_TAIL_OPEN.length() + JSON_TAIL_CLOSE.length();
        StringBuilder json = new StringBuilder(bytes).append(JSON_HEAD);
        for (int i = 0; ; i++) {
            String field = ",\"k" + i + "\":\"value-" + i + "\"";
            if (json.length() + field.length() + tail > bytes) {
                break;
            }
            json.append(field);
        }
        json.append(JSON_TAIL_OPEN);
        for (int i = 0; json.length() + JSON_TAIL_CLOSE.length() < bytes; i++) {
            json.append((char) ('a' + i % 26));
        }
        return json.append(JSON_TAIL_CLOSE).toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code bytes} random bytes, the same on every call. */
    public static byte[] binary(int bytes) {
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        return payload;
    }

    /**
     * An event of {@code channel} with a payload of {@code kind} ({@link #JSON}, as
     * {@code application/json}, or {@link #BINARY}, as {@code application/octet-stream}) and
     * {@code bytes} bytes, stamped as ingest stamps it now.
     */
    public static Event event(String channel, String kind, int bytes) {
        byte[] payload;
        String contentType;
        switch (kind) {
            case JSON -> {
                payload = json(bytes);
                contentType = "application/json";
            }
            case BINARY -> {
                payload = binary(bytes);
                contentType = "application/octet-stream";
            }
            default -> throw new IllegalArgumentException("payload kind must be " + JSON + " or " + BINARY + ", not " + kind);
        }
        long nowMs = System.currentTimeMillis();
        return new Event(EventId.generate(nowMs), channel, Event.DEFAULT_TYPE, SOURCE, Instant.ofEpochMilli(nowMs), contentType, payload);
    }

    /**
     * The {@code n}-th of a series of distinct ids shaped as ingest makes them (UUIDv7 text of
     * {@code timeMs}), cheaper to make than {@link EventId#generate}: {@code n} in place of the
     * random bits.
     */
    public static String id(long timeMs, long n) {
        return new UUID((timeMs & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L, n & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L).toString();
    }

    /** The epoch of a log of {@link #PARTITIONS} partitions, the same on every call. */
    public static Epoch epoch() {
        return new Epoch(new UUID(0x6865_7261_6c64_4a4dL, 0x4842_656e_6368_0001L), PARTITIONS);
    }
}
