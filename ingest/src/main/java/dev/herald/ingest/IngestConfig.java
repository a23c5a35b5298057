package dev.herald.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import dev.herald.lane.LaneConfig;
import dev.herald.lane.LaneSettings;
import dev.herald.server.admin.AdminConfig;
import dev.herald.server.auth.AuthConfig;
import dev.herald.server.config.KnownSettings;
import dev.herald.server.limits.LimitsConfig;
import dev.herald.server.origin.OriginsConfig;
import dev.herald.server.tls.TlsConfig;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the ingest service, with its default, unit and meaning.
 *
 * <p>Values come as strings from any mix of sources (a properties file, {@code HERALD_*}
 * environment variables, {@code --set key=value} flags); the constructor parses and checks them
 * all once, and a bad value stops start-up with a {@link ConfigException} naming the key and the
 * value. Keys starting with {@value #KAFKA_PREFIX} are handed, without the prefix, to the Kafka
 * clients (e.g. {@code kafka.security.protocol}); any other unknown key is refused, so a typo
 * never silently falls back to a default.
 *
 * <p>Immutable and thread-safe.
 */
public final class IngestConfig extends AbstractConfig {

    /** Prefix of settings passed through to the Kafka producer and admin clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC = "topic";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_IO_THREADS = "http.io.threads";
    public static final String HTTP_WORKER_THREADS = "http.worker.threads";
    public static final String PUBLISH_MAX_BODY_BYTES = "publish.max.body.bytes";
    public static final String PUBLISH_BATCH_MAX_BYTES = "publish.batch.max.bytes";
    public static final String PUBLISH_BATCH_MAX_LINES = "publish.batch.max.lines";
    public static final String PUBLISH_TIMEOUT_MS = "publish.timeout.ms";
    public static final String RETRY_AFTER_SECONDS = "publish.retry.after.seconds";
    public static final String IDEMPOTENCY_WINDOW_MS = "idempotency.window.ms";
    public static final String IDEMPOTENCY_MAX_KEYS = "idempotency.max.keys";
    public static final String INGEST_ID = "ingest.id";
    public static final String PRODUCER_LINGER_MS = "producer.linger.ms";
    public static final String PRODUCER_COMPRESSION_TYPE = "producer.compression.type";
    public static final String READINESS_INTERVAL_MS = "readiness.check.interval.ms";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";

    /** The definition of every key: type, default, validator, importance and doc. */
    public static final ConfigDef CONFIG_DEF = AdminConfig.define(LimitsConfig.defineIngest(TlsConfig.define(OriginsConfig.define(AuthConfig.define(LaneConfig.define(new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:9092", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .define(TOPIC, Type.STRING, "herald.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Kafka topic that holds the event log.")
            .define(TOPIC_PARTITIONS, Type.INT, 6, Range.between(1, 65_535), Importance.MEDIUM,
                    "Partitions of the log topic when ingest creates it at start; an existing topic is left as it is.")
            .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
                    "Replication factor of the log topic when ingest creates it at start.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Address the HTTP API listens on.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65_535), Importance.HIGH,
                    "Port the HTTP API listens on; 0 picks a free port.")
            .define(HTTP_IO_THREADS, Type.INT, 2, Range.atLeast(1), Importance.LOW,
                    "Non-blocking HTTP I/O threads; about one per core.")
            .define(HTTP_WORKER_THREADS, Type.INT, 32, Range.atLeast(1), Importance.LOW,
                    "Worker threads that hand events to the Kafka producer.")
            .define(PUBLISH_MAX_BODY_BYTES, Type.INT, 1_048_576, Range.between(1, 100 * 1_048_576), Importance.MEDIUM,
                    "Largest payload of one event, in bytes; a larger body is refused with 413. The log topic's max.message.bytes is set "
                            + "(or raised) to hold it, and every edge's event.max.bytes must be at least this.")
            .define(PUBLISH_BATCH_MAX_BYTES, Type.INT, 64 * 1_048_576, Range.atLeast(1), Importance.MEDIUM,
                    "Largest NDJSON batch body, in bytes; a larger batch is refused with 413.")
            .define(PUBLISH_BATCH_MAX_LINES, Type.INT, 100_000, Range.atLeast(1), Importance.MEDIUM,
                    "Most lines in one NDJSON batch; more is refused with 413.")
            .define(PUBLISH_TIMEOUT_MS, Type.LONG, 5_000L, Range.between(100, 600_000), Importance.HIGH,
                    "Longest time, in milliseconds, a publish waits for Kafka's acknowledgement before it answers 503.")
            .define(RETRY_AFTER_SECONDS, Type.INT, 1, Range.between(1, 3_600), Importance.LOW,
                    "Retry-After value, in seconds, sent with 503 answers.")
            .define(IDEMPOTENCY_WINDOW_MS, Type.LONG, 300_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How long, in milliseconds, a repeat of an Idempotency-Key on the same channel answers the first result; 0 turns it off.")
            .define(IDEMPOTENCY_MAX_KEYS, Type.LONG, 100_000L, Range.atLeast(0), Importance.LOW,
                    "Most idempotency keys remembered at once; the oldest are forgotten first.")
            .define(INGEST_ID, Type.STRING, "", Importance.LOW,
                    "This ingest's name, used in the CloudEvents source and the Kafka client id (default: the host name).")
            .define(PRODUCER_LINGER_MS, Type.INT, 0, Range.between(0, 1_000), Importance.LOW,
                    "Kafka producer linger.ms: how long, in milliseconds, to wait for more events to batch. 0 sends each "
                    + "event at once, which is what a real-time publish wants; events still share batches under load, "
                    + "while earlier requests are in flight.")
            .define(PRODUCER_COMPRESSION_TYPE, Type.STRING, "none",
                    ConfigDef.ValidString.in("none", "gzip", "snappy", "lz4", "zstd"), Importance.LOW,
                    "Kafka producer compression.type.")
            .define(READINESS_INTERVAL_MS, Type.LONG, 1_000L, Range.between(50, 60_000), Importance.LOW,
                    "How often, in milliseconds, ingest checks that Kafka and the log topic are reachable.")
            .define(STARTUP_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.LOW,
                    "How long, in milliseconds, start-up waits for Kafka before it gives up.")))))));

    /**
     * Parses and checks {@code values}.
     *
     * @throws ConfigException naming the first bad key and value, or an unknown key
     */
    public IngestConfig(Map<String, ?> values) {
        super(CONFIG_DEF, rejectUnknown(values), false);
        OriginsConfig.read(getString(OriginsConfig.ALLOWED_ORIGINS), tokensOn(), getString(HTTP_HOST));
        AdminConfig.peers(this);
    }

    /** Whether tokens are asked for ({@code auth.mode=jwt}). */
    public boolean tokensOn() {
        return !AuthConfig.open(this);
    }

    /** The settings with their defaults; for tests and dev mode. */
    public static IngestConfig defaults() {
        return new IngestConfig(Map.of());
    }

    /** The {@code kafka.*} settings, without the prefix, for the Kafka clients. */
    public Map<String, Object> kafkaOverrides() {
        return new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
    }

    /** {@link #INGEST_ID}, or the host name when it is empty. */
    public String ingestId() {
        String id = getString(INGEST_ID);
        if (!id.isEmpty()) {
            return id;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ingest";
        }
    }

    /**
     * The ephemeral lane's settings, or {@code null} when {@link LaneSettings#SECRET} is empty (no lane).
     *
     * @throws ConfigException naming the lane setting that is wrong
     */
    public LaneSettings laneSettings() {
        return LaneConfig.read(this);
    }

    /**
     * The TLS context of {@link TlsConfig#CERT_FILE} and {@link TlsConfig#KEY_FILE}, or {@code null}
     * when both are empty (plain HTTP).
     *
     * @throws ConfigException naming the TLS keys, the files and what is wrong
     */
    public SSLContext tlsContext() {
        return TlsConfig.read(this);
    }

    private static Map<String, ?> rejectUnknown(Map<String, ?> values) {
        return KnownSettings.check(values, CONFIG_DEF, KAFKA_PREFIX, "ingest", "the Kafka clients");
    }
}
