package dev.herald.cli;

import java.nio.file.Path;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code herald dev}: a real single-node Kafka broker, ingest and one edge in one process, on
 * loopback, with all data under one folder that the next start reuses. {@code --config} and
 * {@code --set} configure ingest, {@code --edge-set} the edge; both follow ingest's
 * {@code bootstrap.servers} and {@code topic}. A delivery auditor publishes a canary a second
 * through that ingest and edge, its meters in the edge's {@code /metrics}, unless {@code --no-audit}.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run Herald for development: an embedded Kafka broker, ingest, one edge and a delivery auditor, on loopback.")
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

    @Option(names = "--no-audit", description = "Run without the delivery auditor (a canary event a second through ingest and the edge).")
    boolean noAudit;

    @Mixin
    Settings settings;

    /** The channel of dev mode's canaries. */
    static final String AUDIT_CHANNEL = "herald.audit.dev";

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir.resolve("kafka"))
                .brokerPort(kafkaPort).controllerPort(controllerPort).build().start();
        IngestServer ingest;
        EdgeServer edge;
        try {
            Map<String, String> values = new java.util.TreeMap<>(Map.of(
                    IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    IngestConfig.HTTP_PORT, Integer.toString(httpPort),
                    IngestConfig.INGEST_ID, "dev"));
            values.putAll(ConfigSources.merge(IngestConfig.CONFIG_DEF.names(), settings.configFile, System.getenv(), settings.overrides));
            // dev mode has an ephemeral lane: a secret of its own unless one is given, shared with its edge
            values.putIfAbsent(LaneSettings.SECRET, LaneSettings.newSecret());
            IngestConfig ingestConfig = new IngestConfig(values);
            ingest = IngestServer.start(ingestConfig);
            try {
                Map<String, String> edgeValues = new java.util.TreeMap<>(Map.of(
                        EdgeConfig.BOOTSTRAP_SERVERS, ingestConfig.getString(IngestConfig.BOOTSTRAP_SERVERS),
                        EdgeConfig.TOPIC, ingestConfig.getString(IngestConfig.TOPIC),
                        EdgeConfig.HTTP_PORT, Integer.toString(edgePort),
                        EdgeConfig.EDGE_ID, "dev",
                        EdgeConfig.DATA_DIR, dataDir.resolve("edge").toString()));
                for (String key : LaneConfig.KEYS) { // the edge takes the lane's settings from ingest's: both on one lane
                    edgeValues.put(key, String.valueOf(values.containsKey(key) ? values.get(key) : ingestConfig.values().get(key)));
                }
                // the edge must deliver the largest event ingest accepts: its queue holds one frame of it at least
                int maxBody = ingestConfig.getInt(IngestConfig.PUBLISH_MAX_BODY_BYTES);
                edgeValues.put(EdgeConfig.EVENT_MAX_BYTES, Integer.toString(maxBody));
                edgeValues.put(EdgeConfig.QUEUE_MAX_BYTES, Long.toString(Math.max(EdgeConfig.QUEUE_MAX_BYTES_DEFAULT,
                        EdgeConfig.smallestQueueBytes(maxBody, EdgeConfig.MAX_SUBSCRIPTIONS_DEFAULT))));
                edgeValues.putAll(edgeOverrides);
                edge = EdgeServer.start(new EdgeConfig(edgeValues));
            } catch (RuntimeException e) {
                ingest.close();
                throw e;
            }
        } catch (RuntimeException e) {
            broker.stop();
            throw e;
        }
        DeliveryAuditor auditor = null;
        if (!noAudit) {
            try {
                auditor = DeliveryAuditor.start(new AuditConfig(Map.of(AuditConfig.INGEST_URL, ingest.baseUrl(),
                        AuditConfig.EDGE_URLS, edge.webSocketUrl(), AuditConfig.CHANNEL, AUDIT_CHANNEL)), edge.registry());
            } catch (RuntimeException e) {
                edge.close();
                ingest.close();
                broker.stop();
                throw e;
            }
        }
        System.out.println(banner(broker, ingest, edge, auditor));
        if (auditor == null) {
            Lifecycle.runUntilStopped(broker, ingest, edge);
        } else {
            Lifecycle.runUntilStopped(broker, ingest, edge, auditor);
        }
        return 0;
    }

    private String banner(EmbeddedKafkaBroker broker, IngestServer ingest, EdgeServer edge, DeliveryAuditor auditor) {
        String url = ingest.baseUrl();
        return String.join(System.lineSeparator(),
                "",
                "Herald dev is running.",
                "  Kafka    " + broker.bootstrapServers() + "   (KRaft, data in " + dataDir.toAbsolutePath().normalize() + ")",
                "  Ingest   " + url + "   (health " + url + "/healthz, metrics " + url + "/metrics)",
                "  Edge     " + edge.webSocketUrl() + " and " + edge.baseUrl() + "/v1/sse   (metrics " + edge.baseUrl() + "/metrics)",
                auditor == null ? "  Auditor  off (--no-audit)"
                        : "  Auditor  a canary a second on " + auditor.channel() + " through ingest and the edge   (herald_audit_* in "
                                + edge.baseUrl() + "/metrics; --no-audit turns it off)",
                "",
                "Follow a channel (in another terminal):",
                "  curl -sS -N '" + edge.baseUrl() + "/v1/sse?channel=demo'",
                "",
                "Publish an event:",
                "  curl -sS -X POST -H 'Content-Type: application/json' --data '{\"hello\":\"world\"}' " + url + "/v1/channels/demo/events",
                "",
                "Publish an ephemeral event (multicast lane: never stored, never replayed):",
                "  curl -sS -X POST -H 'Content-Type: application/json' --data '{\"typing\":true}' '" + url
                        + "/v1/channels/demo/events?durability=ephemeral'",
                "",
                "Ctrl-C stops Herald; the data stays for the next start.",
                "herald dev ready");
    }
}
