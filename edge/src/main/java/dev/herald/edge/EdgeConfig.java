package dev.herald.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import dev.herald.lane.LaneConfig;
import dev.herald.lane.LaneSettings;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.protocol.CloseCode;
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
 * Every setting of an edge relay, with its default, unit and meaning. Parsed and checked once
 * at start; a bad value or an unknown key stops start-up with a {@link ConfigException} naming
 * it. Keys starting with {@value #KAFKA_PREFIX} go to the Kafka clients without the prefix.
 * Immutable and thread-safe.
 */
public final class EdgeConfig extends AbstractConfig {

    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC = "topic";
    public static final String EDGE_ID = "edge.id";
    public static final String DATA_DIR = "data.dir";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_IO_THREADS = "http.io.threads";
    public static final String QUEUE_MAX_BYTES = "queue.max.bytes";
    public static final String QUEUE_MAX_EVENTS = "queue.max.events";
    public static final String WS_MAX_FRAME_BYTES = "ws.max.frame.bytes";
    public static final String WS_IDLE_TIMEOUT_MS = "ws.idle.timeout.ms";
    public static final String WS_PING_INTERVAL_MS = "ws.ping.interval.ms";
    public static final String SSE_KEEPALIVE_MS = "sse.keepalive.ms";
    public static final String MAX_SUBSCRIPTIONS = "connection.max.subscriptions";
    public static final String DEDUP_WINDOW_MS = "dedup.window.ms";
    public static final String DEDUP_MAX_BYTES = "dedup.max.bytes";
    public static final String HISTORY_PER_CHANNEL = "history.per.channel";
    public static final String EVENT_MAX_BYTES = "event.max.bytes";
    public static final String REPLAY_MAX_RECORDS = "replay.max.records";
    public static final String REPLAY_PAGE_BYTES = "replay.page.bytes";
    public static final String HISTORY_SCAN_MAX_RECORDS = "history.scan.max.records";
    public static final String RESUME_WORKERS = "resume.workers";
    public static final String RESUME_QUEUE_MAX = "resume.queue.max";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";
    public static final String LATEST_TOPIC = "latest.topic";
    public static final String LATEST_WAIT_MS = "latest.wait.ms";
    public static final String AUTH_TIMEOUT_MS = "auth.timeout.ms";
    public static final String AUTH_COOKIE_NAME = "auth.cookie.name";
    public static final String AUTH_TOKEN_QUERY_ALLOWED = "auth.token.query.allowed";

    /** The default of {@link #QUEUE_MAX_BYTES}. */
    public static final int QUEUE_MAX_BYTES_DEFAULT = 2 << 20;
    /** The default of {@link #MAX_SUBSCRIPTIONS}. */
    public static final int MAX_SUBSCRIPTIONS_DEFAULT = 256;

    /** The definition of every key. */
    public static final ConfigDef CONFIG_DEF = AdminConfig.define(LimitsConfig.defineEdge(TlsConfig.define(OriginsConfig.define(AuthConfig.define(LaneConfig.define(new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:9092", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .define(TOPIC, Type.STRING, "herald.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The Kafka topic that holds the event log.")
            .define(EDGE_ID, Type.STRING, "", Importance.HIGH,
                    "This edge's id; its consumer group is herald-edge-<edge.id>. Default: the host name. Two edges must not share one.")
            .define(DATA_DIR, Type.STRING, "", Importance.HIGH,
                    "Folder of this edge's RocksDB store. Default: .herald-edge/<edge.id>.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Address the WebSocket and SSE endpoints listen on.")
            .define(HTTP_PORT, Type.INT, 8081, Range.between(0, 65_535), Importance.HIGH,
                    "Port of the WebSocket and SSE endpoints; 0 picks a free port.")
            .define(HTTP_IO_THREADS, Type.INT, 2, Range.atLeast(1), Importance.LOW,
                    "Non-blocking I/O threads; about one per core.")
            .define(EVENT_MAX_BYTES, Type.INT, 1_048_576, Range.between(1, 100 * 1_048_576), Importance.MEDIUM,
                    "Largest event payload, in bytes, this edge must be able to deliver: ingest's publish.max.body.bytes (at least). "
                            + "queue.max.bytes must hold one frame of such an event (base64 makes it 4/3 as large), which start-up checks.")
            .define(QUEUE_MAX_BYTES, Type.INT, QUEUE_MAX_BYTES_DEFAULT, Range.atLeast(1024), Importance.MEDIUM,
                    "Most bytes of frames waiting to be written to one connection; past it the connection is closed with "
                            + CloseCode.SLOW_CONSUMER.code() + ". "
                            + "Ephemeral events use at most half of it and are skipped beyond. At least one frame of the largest event "
                            + "(see event.max.bytes), so that a subscriber always gets it in the end.")
            .define(QUEUE_MAX_EVENTS, Type.INT, 4_096, Range.atLeast(1), Importance.MEDIUM,
                    "Most frames waiting to be written to one connection; past it the connection is closed with "
                            + CloseCode.SLOW_CONSUMER.code() + ". "
                            + "Ephemeral events use at most half of it (at least one) and are skipped beyond.")
            .define(WS_MAX_FRAME_BYTES, Type.INT, 65_536, Range.between(256, 16 << 20), Importance.LOW,
                    "Largest client frame, in bytes; a larger one gets an error frame.")
            .define(WS_IDLE_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.LOW,
                    "A WebSocket from which nothing (no frame, no pong) is heard for this long, in milliseconds, is dropped; "
                            + "checked at each ping.")
            .define(WS_PING_INTERVAL_MS, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
                    "The edge pings each WebSocket this often, in milliseconds, so that a live client on a quiet channel answers "
                            + "(pong) and is not taken for dead.")
            .define(SSE_KEEPALIVE_MS, Type.LONG, 15_000L, Range.atLeast(1_000), Importance.LOW,
                    "An SSE stream with nothing to send for this long, in milliseconds, gets a comment line, so that "
                            + "proxies keep it open and a dead client is noticed.")
            .define(MAX_SUBSCRIPTIONS, Type.INT, MAX_SUBSCRIPTIONS_DEFAULT, Range.atLeast(1), Importance.LOW,
                    "Most channels one connection (WebSocket or SSE stream) may subscribe to.")
            .define(DEDUP_WINDOW_MS, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    "How long, in milliseconds, an event id is remembered to drop duplicates.")
            .define(DEDUP_MAX_BYTES, Type.LONG, 256L << 20, Range.atLeast(1 << 20), Importance.LOW,
                    "Most disk, in bytes, the dedup index may use; the oldest ids go first.")
            .define(HISTORY_PER_CHANNEL, Type.INT, 1_000, Range.atLeast(0), Importance.MEDIUM,
                    "Recent events kept per channel for fast resume; older resumes read Kafka.")
            .define(REPLAY_MAX_RECORDS, Type.LONG, 1_000_000L, Range.atLeast(1), Importance.LOW,
                    "Most records of a channel's partition one resume reads from the Kafka log after its position (all channels of "
                            + "the partition count, since the read filters them); a resume further behind answers recovered:false "
                            + "(too-far-behind). Resumes the local history holds are not bounded by it.")
            .define(REPLAY_PAGE_BYTES, Type.INT, 1_048_576, Range.atLeast(1024), Importance.LOW,
                    "Most bytes of missed events a resume holds in memory at a time (at least one event): a replay is read and sent "
                            + "page by page at the subscriber's pace. A page of the history route stops once its events reach it too.")
            .define(HISTORY_SCAN_MAX_RECORDS, Type.INT, 10_000, Range.between(1, 1_000_000), Importance.LOW,
                    "Most records of a channel's partition one page of the history route (GET /v1/channels/{channel}/events) reads "
                            + "from the Kafka log (all channels of the partition count, since the read filters them). A page that reaches "
                            + "it holds the events found so far, and its next position continues from where it stopped.")
            .define(RESUME_WORKERS, Type.INT, 4, Range.between(1, 256), Importance.LOW,
                    "Threads that serve resumes and pages of the history route (reading history or the log); also the most Kafka "
                            + "consumers open for them.")
            .define(RESUME_QUEUE_MAX, Type.INT, 1_024, Range.atLeast(1), Importance.LOW,
                    "Most resumes and history pages waiting for a worker; a subscribe past it gets the retryable error resume-busy "
                            + "(an SSE stream is closed, and its client reconnects with Last-Event-ID; an SSE request with since_time, "
                            + "and a history request, are answered 503 resume-busy with Retry-After).")
            .define(STARTUP_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.LOW,
                    "How long, in milliseconds, start-up waits for Kafka and the log topic.")
            .define(LATEST_TOPIC, Type.STRING, "herald.latest", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "The compacted topic of every channel's latest event, written by the streams service (its latest.topic). The "
                            + "edge reads it from its start into the folder latest in its data.dir at every start and follows it, to serve "
                            + "subscribe with last:true and GET /v1/channels/{channel}/latest. Without it (no streams service) "
                            + "those answer that no latest value is kept; the edge looks for it again every 5 s.")
            .define(LATEST_WAIT_MS, Type.LONG, 5_000L, Range.between(0, 60_000), Importance.LOW,
                    "How long, in milliseconds, a subscribe with last:true (or GET /v1/channels/{channel}/latest) waits for the "
                            + "edge to finish reading the latest values after its start; past it the subscribe goes on live with "
                            + "retained:false, retained_reason loading (the GET answers 503 with Retry-After)."))
            .define(AUTH_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(100), Importance.LOW,
                    "With tokens on, a WebSocket opened without an Authorization header must send {\"op\":\"auth\",\"token\":...} "
                            + "within this many milliseconds, or it is closed with 4001.")
            .define(AUTH_COOKIE_NAME, Type.STRING, "herald_token", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Cookie an SSE request may carry its token in (set it HttpOnly, Secure, SameSite): a browser's EventSource cannot "
                            + "set an Authorization header. The admin page's sign-in (/admin/login) keeps its token in a cookie of "
                            + "this name too, scoped to /admin.")
            .define(AUTH_TOKEN_QUERY_ALLOWED, Type.BOOLEAN, false, Importance.LOW,
                    "Whether a token may come as ?access_token= in the URL of /v1/ws and /v1/sse. Off by default: URLs end up in access "
                            + "logs, proxies and browser history."))))));

    /**
     * The smallest {@link #QUEUE_MAX_BYTES} that holds one message of the largest event: a frame of
     * a payload of {@code eventMaxBytes} (see {@link FrameCodec#maxFrameBytes}) and its
     * {@linkplain #messageOverheadBytes overhead} on a connection of {@code maxSubscriptions} channels.
     */
    public static long smallestQueueBytes(long eventMaxBytes, int maxSubscriptions) {
        return FrameCodec.maxFrameBytes(eventMaxBytes) + messageOverheadBytes(maxSubscriptions);
    }

    /**
     * Most bytes a queued message adds to an event's frame: a WebSocket frame header (at most 14), or
     * an SSE event's {@code id:} (a stream cursor of {@code channels} offsets, base64) and its line
     * syntax.
     */
    public static long messageOverheadBytes(int channels) {
        long cursor = 4 * ((29 + 8L * channels + 2) / 3);
        return Math.max(14, cursor + 32);
    }

    public EdgeConfig(Map<String, ?> values) {
        super(CONFIG_DEF, rejectUnknown(values), false);
        OriginsConfig.read(getString(OriginsConfig.ALLOWED_ORIGINS), tokensOn(), getString(HTTP_HOST));
        AdminConfig.peers(this);
        long eventMax = getInt(EVENT_MAX_BYTES);
        long largest = smallestQueueBytes(eventMax, getInt(MAX_SUBSCRIPTIONS));
        if (getInt(QUEUE_MAX_BYTES) < largest) {
            throw new ConfigException(QUEUE_MAX_BYTES + "=" + getInt(QUEUE_MAX_BYTES) + " cannot hold one frame of the largest event: "
                    + EVENT_MAX_BYTES + "=" + eventMax + " (with " + MAX_SUBSCRIPTIONS + "=" + getInt(MAX_SUBSCRIPTIONS)
                    + ") makes messages of up to " + largest + " bytes, which would be accepted and then never delivered; raise "
                    + QUEUE_MAX_BYTES + " to at least " + largest + " or lower " + EVENT_MAX_BYTES);
        }
    }

    /** Whether tokens are asked for ({@code auth.mode=jwt}). */
    public boolean tokensOn() {
        return !AuthConfig.open(this);
    }

    /** {@link #EDGE_ID}, or the host name when it is empty. */
    public String edgeId() {
        String id = getString(EDGE_ID);
        if (!id.isEmpty()) {
            return id;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "edge";
        }
    }

    /** {@link #DATA_DIR}, or {@code .herald-edge/<edge.id>} when it is empty. */
    public String dataDir() {
        String dir = getString(DATA_DIR);
        return dir.isEmpty() ? ".herald-edge/" + edgeId() : dir;
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

    /** The {@code kafka.*} settings, without the prefix. */
    public Map<String, Object> kafkaOverrides() {
        return new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
    }

    private static Map<String, ?> rejectUnknown(Map<String, ?> values) {
        return KnownSettings.check(values, CONFIG_DEF, KAFKA_PREFIX, "edge", "the Kafka clients");
    }
}
