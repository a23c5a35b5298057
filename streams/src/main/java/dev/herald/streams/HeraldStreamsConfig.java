package dev.herald.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import dev.herald.server.config.KnownSettings;

/**
 * Every setting of the streams service ({@code herald streams}), with its default, unit and
 * meaning.
 *
 * <p>Values come as strings from any mix of sources (a properties file, {@code HERALD_*}
 * environment variables, {@code --set key=value} flags); the constructor parses and checks them
 * all once, and a bad value stops start-up with a {@link ConfigException} naming the key and the
 * value. Keys starting with {@value #KAFKA_PREFIX} are handed, without the prefix, to Kafka
 * Streams and its clients (e.g. {@code kafka.security.protocol}, {@code kafka.num.standby.replicas});
 * any other unknown key is refused, so a typo never silently falls back to a default.
 *
 * <p>Immutable and thread-safe.
 */
public final class HeraldStreamsConfig extends AbstractConfig {

    /** Prefix of settings passed through to Kafka Streams. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC = "topic";
    public static final String LATEST_TOPIC = "latest.topic";
    public static final String STATS_TOPIC = "stats.topic";
    public static final String STATS_GRACE_MS = "stats.grace.ms";
    public static final String STATS_RETENTION_MS = "stats.retention.ms";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STREAM_THREADS = "stream.threads";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";

    /** The port of {@code /healthz}, {@code /readyz} and {@code /metrics} by default (ingest 8080, edge 8081, auditor 8082). */
    public static final int HTTP_PORT_DEFAULT = 8084;

    /** The definition of every key: type, default, validator, importance and doc. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:9092", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .define(TOPIC, Type.STRING, "herald.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Kafka topic that holds the event log, read from its start by a new application.id.")
            .define(LATEST_TOPIC, Type.STRING, "herald.latest", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The compacted topic of every channel's latest event (key: the channel; a tombstone once cleared). Created at "
                            + "start if missing, with the log's partitions and replication; an existing one must have the log's "
                            + "partitions and cleanup.policy=compact.")
            .define(STATS_TOPIC, Type.STRING, "herald.stats", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The topic of per-channel usage per minute (key: the channel; JSON with windowStart, windowEnd, events, bytes). "
                            + "Created at start if missing, with the log's partitions and replication.")
            .define(STATS_GRACE_MS, Type.LONG, 60_000L, Range.between(0, Duration.ofDays(1).toMillis()), Importance.MEDIUM,
                    "How long, in milliseconds of event time, a minute's usage still takes events that arrive late (out of order) "
                            + "after the minute ended; later ones are not counted (Kafka Streams' dropped-records metric).")
            .define(STATS_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(), Range.atLeast(60_000), Importance.LOW,
                    "retention.ms of the stats topic when the service creates it, in milliseconds; an existing topic is left as it is.")
            .define(APPLICATION_ID, Type.STRING, "herald-streams", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Kafka Streams application id: its consumer group, transactional ids and internal topics. Every instance "
                            + "of one deployment shares it; a new one reads the log from its start again.")
            .define(STATE_DIR, Type.STRING, ".herald-streams", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Folder of the RocksDB state stores (rebuilt from their topics when lost).")
            .define(STREAM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
                    "Kafka Streams processing threads (num.stream.threads); at most one per partition of the log does work.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Address /healthz, /readyz and /metrics listen on.")
            .define(HTTP_PORT, Type.INT, HTTP_PORT_DEFAULT, Range.between(0, 65_535), Importance.MEDIUM,
                    "Port of /healthz, /readyz and /metrics; 0 picks a free port.")
            .define(STARTUP_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.LOW,
                    "How long, in milliseconds, start-up waits for Kafka and the log topic before it gives up.");

    /**
     * Parses and checks {@code values}.
     *
     * @throws ConfigException naming the first bad key and value, or an unknown key
     */
    public HeraldStreamsConfig(Map<String, ?> values) {
        super(CONFIG_DEF, rejectUnknown(values), false);
        for (String topicKey : new String[] {LATEST_TOPIC, STATS_TOPIC}) {
            if (getString(topicKey).equals(getString(TOPIC))) {
                throw new ConfigException(topicKey, getString(topicKey), "must not be the log topic (" + TOPIC + ")");
            }
        }
        if (getString(LATEST_TOPIC).equals(getString(STATS_TOPIC))) {
            throw new ConfigException(STATS_TOPIC, getString(STATS_TOPIC), "must differ from " + LATEST_TOPIC);
        }
    }

    /** The settings with their defaults. */
    public static HeraldStreamsConfig defaults() {
        return new HeraldStreamsConfig(Map.of());
    }

    /** The {@code kafka.*} settings, without the prefix, for Kafka Streams. */
    public Map<String, Object> kafkaOverrides() {
        return new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
    }

    /** {@link #STATE_DIR} as a path. */
    public Path stateDir() {
        return Path.of(getString(STATE_DIR));
    }

    /** {@link #STATS_GRACE_MS} as a duration. */
    public Duration statsGrace() {
        return Duration.ofMillis(getLong(STATS_GRACE_MS));
    }

    private static Map<String, ?> rejectUnknown(Map<String, ?> values) {
        return KnownSettings.check(values, CONFIG_DEF, KAFKA_PREFIX, "streams", "Kafka Streams");
    }
}
