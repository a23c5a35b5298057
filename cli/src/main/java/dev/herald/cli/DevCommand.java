package dev.herald.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.audit.AuditConfig;
import dev.herald.audit.DeliveryAuditor;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.lane.LaneConfig;
import dev.herald.lane.LaneSettings;
import dev.herald.server.admin.AdminConfig;
import dev.herald.server.auth.AuthConfig;
import dev.herald.server.auth.TokenMinter;
import dev.herald.server.origin.AllowedOrigins;
import dev.herald.server.origin.OriginsConfig;
import dev.herald.streams.HeraldStreamsConfig;
import dev.herald.streams.StreamsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald dev}: a real single-node Kafka broker, ingest, one edge and the streams service in
 * one process, on loopback, with all data under one folder that the next start reuses.
 * {@code --config} and {@code --set} configure ingest, {@code --edge-set} the edge,
 * {@code --streams-set} the streams service; both follow ingest's {@code bootstrap.servers} and
 * {@code topic}. A delivery auditor publishes a canary a second
 * through that ingest and edge, its meters in the edge's {@code /metrics}, unless {@code --no-audit}.
 * Each service's admin page ({@code /admin}) shows both: they are each other's {@code admin.peers}.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run Herald for development: an embedded Kafka broker, ingest, one edge, the streams service and a delivery "
                + "auditor, on loopback.")
final class DevCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".herald-dev", description = "Folder for all dev data, reused on the next start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Kafka client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "19093", description = "KRaft controller port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "Ingest HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--edge-port", defaultValue = "8081", description = "Edge (WebSocket and SSE) port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int edgePort;

    @Option(names = "--edge-set", paramLabel = "KEY=VALUE", description = "One edge setting (herald config edge). Repeatable.")
    Map<String, String> edgeOverrides = new java.util.LinkedHashMap<>();

    @Option(names = "--streams-port", defaultValue = "" + HeraldStreamsConfig.HTTP_PORT_DEFAULT,
            description = "Port of the streams service's /healthz, /readyz and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int streamsPort;

    @Option(names = "--streams-set", paramLabel = "KEY=VALUE", description = "One streams setting (herald config streams). Repeatable.")
    Map<String, String> streamsOverrides = new java.util.LinkedHashMap<>();

    @Option(names = "--no-streams", description = "Run without the streams service (latest values in herald.latest, usage in herald.stats).")
    boolean noStreams;

    @Option(names = "--no-audit", description = "Run without the delivery auditor (a canary event a second through ingest and the edge).")
    boolean noAudit;

    @Option(names = "--auth", description = "Turn tokens on: every publish and subscribe needs a JWT signed with the dev secret "
            + "(made once, kept in <data-dir>/" + DevSecret.FILE + ", printed at start); ./herald token mints one.")
    boolean auth;

    @Mixin
    Settings settings;

    /** The edge's id in dev mode: its consumer group is herald-edge-dev. */
    static final String DEV_EDGE_ID = "dev";
    /** The channel the printed examples use. */
    static final String EXAMPLE_CHANNEL = "demo";

    /** The channel of dev mode's canaries. */
    static final String AUDIT_CHANNEL = "herald.audit.dev";

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir.resolve("kafka"))
                .brokerPort(kafkaPort).controllerPort(controllerPort).build().start();
        IngestServer ingest;
        EdgeServer edge;
        IngestConfig ingestConfig;
        try {
            Map<String, String> values = new java.util.TreeMap<>(Map.of(
                    IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    IngestConfig.HTTP_PORT, Integer.toString(httpPort),
                    IngestConfig.INGEST_ID, "dev"));
            values.putAll(ConfigSources.merge(IngestConfig.CONFIG_DEF.names(), settings.configFile, System.getenv(), settings.overrides));
            // dev mode has an ephemeral lane: a secret of its own unless one is given, shared with its edge
            values.putIfAbsent(LaneSettings.SECRET, LaneSettings.newSecret());
            // open on loopback unless --auth; any web page may use it (a developer's own machine)
            if (auth) {
                values.put(AuthConfig.MODE, AuthConfig.MODE_JWT);
                if (!values.containsKey(AuthConfig.PUBLIC_KEYS_FILE) && !values.containsKey(AuthConfig.JWKS_URL)) {
                    values.putIfAbsent(AuthConfig.HMAC_SECRET, DevSecret.loadOrCreate(dataDir));
                }
            } else {
                values.putIfAbsent(AuthConfig.MODE, AuthConfig.MODE_NONE);
            }
            values.putIfAbsent(OriginsConfig.ALLOWED_ORIGINS, AllowedOrigins.ANY);
            ingestConfig = new IngestConfig(values);
            ingest = IngestServer.start(ingestConfig);
            try {
                Map<String, String> edgeValues = new java.util.TreeMap<>(Map.of(
                        EdgeConfig.BOOTSTRAP_SERVERS, ingestConfig.getString(IngestConfig.BOOTSTRAP_SERVERS),
                        EdgeConfig.TOPIC, ingestConfig.getString(IngestConfig.TOPIC),
                        EdgeConfig.HTTP_PORT, Integer.toString(edgePort),
                        EdgeConfig.EDGE_ID, DEV_EDGE_ID,
                        EdgeConfig.DATA_DIR, dataDir.resolve("edge").toString()));
                for (String key : LaneConfig.KEYS) { // the edge takes the lane's settings from ingest's: both on one lane
                    edgeValues.put(key, String.valueOf(values.containsKey(key) ? values.get(key) : ingestConfig.values().get(key)));
                }
                for (String key : SHARED_WITH_EDGE) { // and the same tokens and origins
                    if (values.containsKey(key)) {
                        edgeValues.put(key, values.get(key));
                    }
                }
                // the edge must deliver the largest event ingest accepts: its queue holds one frame of it at least
                int maxBody = ingestConfig.getInt(IngestConfig.PUBLISH_MAX_BODY_BYTES);
                edgeValues.put(EdgeConfig.EVENT_MAX_BYTES, Integer.toString(maxBody));
                edgeValues.put(EdgeConfig.QUEUE_MAX_BYTES, Long.toString(Math.max(EdgeConfig.QUEUE_MAX_BYTES_DEFAULT,
                        EdgeConfig.smallestQueueBytes(maxBody, EdgeConfig.MAX_SUBSCRIPTIONS_DEFAULT))));
                // each admin page shows both services: the edge's asks ingest, and ingest's the edge once it runs
                edgeValues.put(AdminConfig.PEERS, ingest.baseUrl());
                edgeValues.putAll(edgeOverrides);
                edge = EdgeServer.start(new EdgeConfig(edgeValues));
                ingest.adminPeers().add(edge.baseUrl());
            } catch (RuntimeException e) {
                ingest.close();
                throw e;
            }
        } catch (RuntimeException e) {
            broker.stop();
            throw e;
        }
        StreamsService streams = null;
        if (!noStreams) {
            try {
                Map<String, String> streamsValues = new java.util.TreeMap<>(Map.of(
                        HeraldStreamsConfig.BOOTSTRAP_SERVERS, ingestConfig.getString(IngestConfig.BOOTSTRAP_SERVERS),
                        HeraldStreamsConfig.TOPIC, ingestConfig.getString(IngestConfig.TOPIC),
                        HeraldStreamsConfig.HTTP_PORT, Integer.toString(streamsPort),
                        HeraldStreamsConfig.STATE_DIR, dataDir.resolve("streams").toString()));
                streamsValues.putAll(streamsOverrides);
                streams = StreamsService.start(new HeraldStreamsConfig(streamsValues));
            } catch (RuntimeException e) {
                edge.close();
                ingest.close();
                broker.stop();
                throw e;
            }
        }
        DeliveryAuditor auditor = null;
        if (!noAudit) {
            try {
                Map<String, String> audit = new java.util.HashMap<>(Map.of(AuditConfig.INGEST_URL, ingest.baseUrl(),
                        AuditConfig.EDGE_URLS, edge.webSocketUrl(), AuditConfig.CHANNEL, AUDIT_CHANNEL));
                if (ingestConfig.tokensOn()) {
                    audit.put(AuditConfig.TOKEN, auditorToken(ingestConfig));
                }
                auditor = DeliveryAuditor.start(new AuditConfig(audit), edge.registry());
            } catch (RuntimeException e) {
                if (streams != null) {
                    streams.close();
                }
                edge.close();
                ingest.close();
                broker.stop();
                throw e;
            }
        }
        System.out.println(banner(broker, ingest, edge, streams, auditor, ingestConfig));
        List<AutoCloseable> running = new ArrayList<>(List.of(broker, ingest, edge)); // closed last-first
        if (streams != null) {
            running.add(streams);
        }
        if (auditor != null) {
            running.add(auditor);
        }
        Lifecycle.runUntilStopped(running.toArray(AutoCloseable[]::new));
        return 0;
    }

    /** Settings the edge takes from ingest's in dev mode. */
    private static final List<String> SHARED_WITH_EDGE = List.of(AuthConfig.MODE, AuthConfig.HMAC_SECRET, AuthConfig.PUBLIC_KEYS_FILE,
            AuthConfig.JWKS_URL, AuthConfig.JWKS_REFETCH_MS, AuthConfig.ISSUER, AuthConfig.AUDIENCE, AuthConfig.CLOCK_SKEW_MS,
            OriginsConfig.ALLOWED_ORIGINS);
    /** How long the auditor's own token lives: as long as a dev run, in practice. */
    private static final Duration AUDITOR_TOKEN_TTL = Duration.ofDays(365);

    /**
     * A token for the auditor's channel, signed with the HMAC secret tokens are checked with.
     *
     * @throws IllegalStateException when tokens are checked with public keys only: dev mode cannot
     *                               sign for them (run with --no-audit)
     */
    private static String auditorToken(IngestConfig config) {
        String secret = config.getPassword(AuthConfig.HMAC_SECRET).value();
        if (secret.isEmpty()) {
            throw new IllegalStateException("the auditor needs a token, and dev mode signs it with " + AuthConfig.HMAC_SECRET
                    + ", which is not set: set it, or run with --no-audit");
        }
        return TokenMinter.hmac(secret).mint("herald-dev-auditor", List.of(AUDIT_CHANNEL), List.of(AUDIT_CHANNEL),
                emptyToNull(config.getString(AuthConfig.ISSUER)), emptyToNull(config.getString(AuthConfig.AUDIENCE)), Instant.now(),
                AUDITOR_TOKEN_TTL);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private String banner(EmbeddedKafkaBroker broker, IngestServer ingest, EdgeServer edge, StreamsService streams, DeliveryAuditor auditor,
                          IngestConfig config) {
        boolean tokens = config.tokensOn();
        String url = ingest.baseUrl();
        List<String> lines = new ArrayList<>(List.of(
                "",
                tokens ? "Herald dev is running, with tokens on (--auth)." : "Herald dev is running.",
                "  Kafka    " + broker.bootstrapServers() + "   (KRaft, data in " + dataDir.toAbsolutePath().normalize() + ")",
                "  Ingest   " + url + "   (health " + url + "/healthz, metrics " + url + "/metrics)",
                "  Edge     " + edge.webSocketUrl() + " and " + edge.baseUrl() + "/v1/sse   (metrics " + edge.baseUrl() + "/metrics)",
                "  Admin    " + url + "/admin and " + edge.baseUrl() + "/admin   (both services, live"
                        + (tokens ? "; sign in at " + url + "/admin/login with a token from ./herald token --admin)" : ")"),
                streams == null ? "  Streams  off (--no-streams)"
                        : "  Streams  latest event of every channel in " + streams.config().getString(HeraldStreamsConfig.LATEST_TOPIC)
                                + ", usage per channel and minute in " + streams.config().getString(HeraldStreamsConfig.STATS_TOPIC)
                                + "   (health " + streams.baseUrl() + "/readyz, metrics " + streams.baseUrl() + "/metrics)",
                auditor == null ? "  Auditor  off (--no-audit)"
                        : "  Auditor  a canary a second on " + auditor.channel() + " through ingest and the edge" + (tokens ? ", with its own token" : "")
                                + "   (herald_audit_* in " + edge.baseUrl() + "/metrics; --no-audit turns it off)",
                ""));
        lines.addAll(tokens ? tokenExamples(url, edge, config) : openExamples(url, edge));
        lines.add("");
        lines.addAll(operatorCommands(edge, config).lines());
        lines.addAll(List.of("", "Ctrl-C stops Herald; the data stays for the next start.", "herald dev ready"));
        return String.join(System.lineSeparator(), lines);
    }

    /** The operator commands ({@code lag}, {@code tail demo}, {@code replay}) against this broker and edge, as printed. */
    static OperatorCommands operatorCommands(EdgeServer edge, IngestConfig config) {
        return new OperatorCommands(config.getString(IngestConfig.BOOTSTRAP_SERVERS), config.getString(IngestConfig.TOPIC), DEV_EDGE_ID,
                edge.baseUrl(), EXAMPLE_CHANNEL);
    }

    private static List<String> openExamples(String url, EdgeServer edge) {
        return List.of(
                "Follow a channel (in another terminal):",
                "  curl -sS -N '" + edge.baseUrl() + "/v1/sse?channel=demo'",
                "",
                "Publish an event:",
                "  curl -sS -X POST -H 'Content-Type: application/json' --data '{\"hello\":\"world\"}' " + url + "/v1/channels/demo/events",
                "",
                "Publish an ephemeral event (multicast lane: never stored, never replayed):",
                "  curl -sS -X POST -H 'Content-Type: application/json' --data '{\"typing\":true}' '" + url
                        + "/v1/channels/demo/events?durability=ephemeral'");
    }

    private List<String> tokenExamples(String url, EdgeServer edge, IngestConfig config) {
        String secret = config.getPassword(AuthConfig.HMAC_SECRET).value();
        List<String> lines = new ArrayList<>();
        if (secret.isEmpty()) {
            lines.add("Tokens are checked with the keys you configured.");
        } else {
            lines.add("Tokens are signed with this HMAC secret (kept in " + dataDir.resolve(DevSecret.FILE) + "):");
            lines.add("  " + secret);
        }
        lines.addAll(List.of(
                "",
                "Mint a token that may publish to and follow demo* (./herald token reads the dev secret):",
                "  TOKEN=$(./herald token --subject alice --publish 'demo*' --subscribe 'demo*,user.{sub}.*' --ttl 1h)",
                "",
                "Follow a channel (in another terminal, with the same TOKEN):",
                "  curl -sS -N -H \"Authorization: Bearer $TOKEN\" '" + edge.baseUrl() + "/v1/sse?channel=demo'",
                "",
                "Publish an event:",
                "  curl -sS -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' --data '{\"hello\":\"world\"}' "
                        + url + "/v1/channels/demo/events",
                "",
                "A WebSocket sends {\"op\":\"auth\",\"token\":\"...\"} as its first frame (browsers cannot set headers on one)."));
        return lines;
    }
}
