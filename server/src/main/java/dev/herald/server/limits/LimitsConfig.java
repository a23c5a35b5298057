package dev.herald.server.limits;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The limits' settings as config keys, each with its default, check and doc: ingest adds
 * {@link #INGEST_KEYS} to its config with {@link #defineIngest} and reads them with
 * {@link #ingest}; an edge likewise with {@link #defineEdge} and {@link #edge}. A rate is written
 * as {@link Rate#parse} reads it ({@code 100/s}, {@code 100/s burst 200}, {@code 8Mi/s},
 * {@code off}); a bad one stops start-up with a {@link ConfigException} naming the key and value.
 */
public final class LimitsConfig {

    public static final String PUBLISH_RATE = "limits.publish.rate";
    public static final String PUBLISH_BYTES_RATE = "limits.publish.bytes.rate";
    public static final String WS_FRAME_RATE = "limits.ws.frame.rate";
    public static final String WS_CLOSE_AFTER_REFUSALS = "limits.ws.close.after.refusals";
    public static final String WS_REFUSAL_WINDOW_MS = "limits.ws.refusal.window.ms";
    public static final String CONNECTIONS_PER_ADDRESS = "limits.connections.per.address";
    public static final String NEW_CONNECTIONS_RATE = "limits.new.connections.rate";
    public static final String MAX_KEYS = "limits.max.keys";

    public static final String DEFAULT_PUBLISH_RATE = "1000/s burst 2000";
    public static final String DEFAULT_PUBLISH_BYTES_RATE = "8Mi/s burst 16Mi";
    public static final String DEFAULT_WS_FRAME_RATE = "100/s burst 1000";
    public static final int DEFAULT_WS_CLOSE_AFTER_REFUSALS = 10;
    public static final long DEFAULT_WS_REFUSAL_WINDOW_MS = 10_000;
    public static final int DEFAULT_CONNECTIONS_PER_ADDRESS = 1_000;
    public static final String DEFAULT_NEW_CONNECTIONS_RATE = "50/s burst 200";
    public static final long DEFAULT_MAX_KEYS = 100_000;

    /** Ingest's keys. */
    public static final List<String> INGEST_KEYS = List.of(PUBLISH_RATE, PUBLISH_BYTES_RATE, MAX_KEYS);

    /** An edge's keys. */
    public static final List<String> EDGE_KEYS = List.of(WS_FRAME_RATE, WS_CLOSE_AFTER_REFUSALS, WS_REFUSAL_WINDOW_MS,
            CONNECTIONS_PER_ADDRESS, NEW_CONNECTIONS_RATE, MAX_KEYS);

    private static final String RATE_FORM = " Written N/s or N/s burst M (N and M may end in k, M, G, Ki, Mi or Gi); off for no limit.";
    private static final String MAX_KEYS_DOC = "Most keys (publishers at ingest, client addresses at an edge) whose rate buckets "
            + "are kept at once, about 350 bytes each; past it the least used key is forgotten and starts again with a full bucket.";

    private LimitsConfig() {
    }

    /** Adds ingest's limit keys to {@code def}; returns it. */
    public static ConfigDef defineIngest(ConfigDef def) {
        return def
                .define(PUBLISH_RATE, Type.STRING, DEFAULT_PUBLISH_RATE, RateValidator.INSTANCE, Importance.MEDIUM,
                        "Events a second each publisher may publish (per token subject, or per client address when anonymous); "
                                + "over it a publish is answered 429 with Retry-After." + RATE_FORM)
                .define(PUBLISH_BYTES_RATE, Type.STRING, DEFAULT_PUBLISH_BYTES_RATE, RateValidator.INSTANCE, Importance.MEDIUM,
                        "Payload bytes a second each publisher may publish; over it 429 with Retry-After. A body larger than the "
                                + "burst passes when the publisher's bucket is full and is paid for by waiting afterwards." + RATE_FORM)
                .define(MAX_KEYS, Type.LONG, DEFAULT_MAX_KEYS, Range.atLeast(1), Importance.LOW, MAX_KEYS_DOC);
    }

    /** Adds an edge's limit keys to {@code def}; returns it. */
    public static ConfigDef defineEdge(ConfigDef def) {
        return def
                .define(WS_FRAME_RATE, Type.STRING, DEFAULT_WS_FRAME_RATE, RateValidator.INSTANCE, Importance.MEDIUM,
                        "Frames a second a WebSocket client may send on one connection; a frame over it is answered with a "
                                + "rate-limited error frame." + RATE_FORM)
                .define(WS_CLOSE_AFTER_REFUSALS, Type.INT, DEFAULT_WS_CLOSE_AFTER_REFUSALS, Range.atLeast(1), Importance.LOW,
                        "The refused frame, counted within limits.ws.refusal.window.ms of the first refused one, that closes "
                                + "the connection with 4029 instead of an error frame; 1 closes at the first.")
                .define(WS_REFUSAL_WINDOW_MS, Type.LONG, DEFAULT_WS_REFUSAL_WINDOW_MS, Range.atLeast(1), Importance.LOW,
                        "The window, in milliseconds, in which a connection's refused frames are counted towards its close.")
                .define(CONNECTIONS_PER_ADDRESS, Type.INT, DEFAULT_CONNECTIONS_PER_ADDRESS, Range.atLeast(0), Importance.MEDIUM,
                        "Most open WebSocket and SSE connections of one client address; one more is answered 429 before "
                                + "the upgrade. 0 for no cap.")
                .define(NEW_CONNECTIONS_RATE, Type.STRING, DEFAULT_NEW_CONNECTIONS_RATE, RateValidator.INSTANCE, Importance.MEDIUM,
                        "New WebSocket and SSE connections a second of one client address; over it 429 with Retry-After "
                                + "before the upgrade." + RATE_FORM)
                .define(MAX_KEYS, Type.LONG, DEFAULT_MAX_KEYS, Range.atLeast(1), Importance.LOW, MAX_KEYS_DOC);
    }

    /** Ingest's limits in {@code config}, whose definition went through {@link #defineIngest}. */
    public static IngestLimits ingest(AbstractConfig config) {
        return new IngestLimits(rate(config, PUBLISH_RATE), rate(config, PUBLISH_BYTES_RATE), config.getLong(MAX_KEYS));
    }

    /** An edge's limits in {@code config}, whose definition went through {@link #defineEdge}. */
    public static EdgeLimits edge(AbstractConfig config) {
        return new EdgeLimits(rate(config, WS_FRAME_RATE), config.getInt(WS_CLOSE_AFTER_REFUSALS),
                Duration.ofMillis(config.getLong(WS_REFUSAL_WINDOW_MS)), config.getInt(CONNECTIONS_PER_ADDRESS),
                rate(config, NEW_CONNECTIONS_RATE), config.getLong(MAX_KEYS));
    }

    private static Rate rate(AbstractConfig config, String key) {
        String value = config.getString(key);
        try {
            return Rate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, value, e.getMessage());
        }
    }

    /** Checks that a value reads as a {@link Rate}. */
    private static final class RateValidator implements ConfigDef.Validator {

        static final RateValidator INSTANCE = new RateValidator();

        @Override
        public void ensureValid(String name, Object value) {
            try {
                Rate.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "off, or N/s [burst M] (N, M may end in k, M, G, Ki, Mi, Gi)";
        }
    }
}
