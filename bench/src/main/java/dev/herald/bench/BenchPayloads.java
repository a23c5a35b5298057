package dev.herald.bench;

import java.nio.charset.StandardCharsets;

/**
 * The request bodies of the ingest benchmark. Every event's payload is the JSON object
 * {@code {"p":"<text>"}} of exactly {@link #EVENT_BYTES} bytes, the same size as the raw Kafka
 * records it is compared with. Channels are {@code bench-0} to {@code bench-63}.
 */
final class BenchPayloads {

    /** Size of one event's payload, bytes. */
    static final int EVENT_BYTES = 1024;
    /** Number of distinct channels the load is spread over. */
    static final int CHANNELS = 64;

    private static final String PAYLOAD_PREFIX = "{\"p\":\"";
    private static final String PAYLOAD_SUFFIX = "\"}";

    private BenchPayloads() {
    }

    /** The channel of the {@code i}-th event: {@code bench-<i % 64>}. */
    static String channel(long i) {
        return "bench-" + Math.floorMod(i, CHANNELS);
    }

    /** One event payload, {@link #EVENT_BYTES} bytes of JSON; the body of a single POST. */
    static byte[] eventPayload() {
        return eventJson().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An NDJSON batch of {@code lines} events, line {@code i} being
     * {@code {"channel":"bench-<i % 64>","data":{"p":"..."}}} whose {@code data} is one
     * {@link #eventPayload() event payload}.
     */
    static byte[] ndjsonBatch(int lines) {
        String data = eventJson();
        StringBuilder body = new StringBuilder(lines * (EVENT_BYTES + 40));
        for (int i = 0; i < lines; i++) {
            body.append("{\"channel\":\"").append(channel(i)).append("\",\"data\":").append(data).append("}\n");
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String eventJson() {
        int textLength = EVENT_BYTES - PAYLOAD_PREFIX.length() - PAYLOAD_SUFFIX.length();
        StringBuilder text = new StringBuilder(EVENT_BYTES).append(PAYLOAD_PREFIX);
        for (int i = 0; i < textLength; i++) {
            text.append((char) ('a' + i % 26));
        }
        return text.append(PAYLOAD_SUFFIX).toString();
    }
}
