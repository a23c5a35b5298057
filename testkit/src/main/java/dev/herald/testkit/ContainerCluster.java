package dev.herald.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Herald as the fault suites run it: a three-broker KRaft cluster ({@code herald broker}, each
 * node a controller and a broker), ingest and two edges, each in a container of
 * {@link HeraldImage} on host networking, on free loopback ports. The log topic has
 * {@value #PARTITIONS} partitions with 3 replicas, {@code min.insync.replicas=2} (the brokers'
 * default with three nodes) and no unclean leader election.
 *
 * <p>The edges' Kafka consumers use shorter session and poll timeouts than Kafka's defaults
 * ({@value #SESSION_TIMEOUT_MS} ms, {@value #MAX_POLL_INTERVAL_MS} ms) so that a fault past them
 * fits in a test's minute; everything else is as a user would run it.
 */
public final class ContainerCluster implements AutoCloseable {

    public static final String TOPIC = "herald.events";
    public static final int PARTITIONS = 6;
    public static final int SESSION_TIMEOUT_MS = 10_000;
    public static final int MAX_POLL_INTERVAL_MS = 20_000;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ContainerNode> brokers = new ArrayList<>();
    private final int[] kafkaPorts;
    private final ContainerNode ingest;
    private final int ingestPort;
    private final List<ContainerNode> edges = new ArrayList<>();
    private final int[] edgePorts;

    /**
     * How a suite wants the cluster, beyond its defaults.
     *
     * @param edges          how many edges
     * @param edgeTmpfs      size-limited in-memory mounts in the first edge's container (edge 0), path to mount
     *                       options; the others keep their store on the container's own disk
     * @param edgeSettings   edge settings ({@code key=value}, as {@code --set} takes them)
     * @param brokerSettings Kafka broker settings for every broker
     */
    public record Options(int edges, Map<String, String> edgeTmpfs, Map<String, String> edgeSettings, Map<String, String> brokerSettings) {

        /** {@code edges} edges, nothing else changed. */
        public static Options edges(int edges) {
            return new Options(edges, Map.of(), Map.of(), Map.of());
        }

        public Options withEdgeTmpfs(String path, String options) {
            return new Options(edges, with(edgeTmpfs, path, options), edgeSettings, brokerSettings);
        }

        public Options withEdgeSetting(String key, String value) {
            return new Options(edges, edgeTmpfs, with(edgeSettings, key, value), brokerSettings);
        }

        public Options withBrokerSetting(String key, String value) {
            return new Options(edges, edgeTmpfs, edgeSettings, with(brokerSettings, key, value));
        }

        private static Map<String, String> with(Map<String, String> map, String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(map);
            copy.put(key, value);
            return Map.copyOf(copy);
        }
    }

    private ContainerCluster(String image, String suite, Options options) {
        Path logs = Path.of("target", "containers", suite);
        int edgeCount = options.edges();
        Map<String, String> edgeTmpfs = options.edgeTmpfs();
        int[] ports = FreePorts.distinct(6 + 1 + edgeCount);
        kafkaPorts = new int[] {ports[0], ports[1], ports[2]};
        String voters = "1@127.0.0.1:" + ports[3] + ",2@127.0.0.1:" + ports[4] + ",3@127.0.0.1:" + ports[5];
        String clusterId = Uuid.randomUuid().toString();
        for (int id = 1; id <= 3; id++) {
            int nodeId = id;
            List<String> command = new ArrayList<>(List.of("broker", "--node-id", Integer.toString(id), "--cluster-id", clusterId,
                    "--data-dir", "/var/lib/herald/kafka", "--kafka-port", Integer.toString(kafkaPorts[id - 1]),
                    "--controller-quorum-voters", voters));
            options.brokerSettings().forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
            brokers.add(new ContainerNode(image, "broker-" + id, logs, command,
                    Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m"), Map.of(), node -> brokerAnswers(nodeId), START_TIMEOUT));
        }
        String bootstrap = bootstrapServers();
        ingestPort = ports[6];
        Map<String, String> ingestEnv = new LinkedHashMap<>();
        ingestEnv.put("JAVA_TOOL_OPTIONS", "-Xmx384m");
        ingestEnv.put("HERALD_BOOTSTRAP_SERVERS", bootstrap);
        ingestEnv.put("HERALD_TOPIC", TOPIC);
        ingestEnv.put("HERALD_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
        ingestEnv.put("HERALD_TOPIC_REPLICATION_FACTOR", "3");
        ingestEnv.put("HERALD_HTTP_HOST", "127.0.0.1");
        ingestEnv.put("HERALD_HTTP_PORT", Integer.toString(ingestPort));
        ingestEnv.put("HERALD_AUTH_MODE", "none");
        ingest = new ContainerNode(image, "ingest", logs, List.of("ingest"), ingestEnv, Map.of(), node -> ready(ingestUrl()), START_TIMEOUT);
        edgePorts = new int[edgeCount];
        for (int i = 0; i < edgeCount; i++) {
            edgePorts[i] = ports[7 + i];
            Map<String, String> env = new LinkedHashMap<>();
            env.put("JAVA_TOOL_OPTIONS", "-Xmx512m");
            env.put("HERALD_BOOTSTRAP_SERVERS", bootstrap);
            env.put("HERALD_TOPIC", TOPIC);
            env.put("HERALD_EDGE_ID", "edge-" + (i + 1));
            env.put("HERALD_DATA_DIR", "/var/lib/herald/edge");
            env.put("HERALD_HTTP_HOST", "127.0.0.1");
            env.put("HERALD_HTTP_PORT", Integer.toString(edgePorts[i]));
            env.put("HERALD_AUTH_MODE", "none");
            String http = edgeHttp(i);
            List<String> command = new ArrayList<>(List.of("edge", "--set", "kafka.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                    "--set", "kafka.heartbeat.interval.ms=" + SESSION_TIMEOUT_MS / 4,
                    "--set", "kafka.max.poll.interval.ms=" + MAX_POLL_INTERVAL_MS));
            options.edgeSettings().forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
            edges.add(new ContainerNode(image, "edge-" + (i + 1), logs, command, env, i == 0 ? edgeTmpfs : Map.of(), node -> ready(http),
                    START_TIMEOUT));
        }
    }

    /**
     * Starts the brokers together (each waits for a quorum), then ingest (it creates the topic), then
     * the edges; their output goes to {@code target/containers/<suite>/}.
     */
    public static ContainerCluster start(String suite, int edges) throws InterruptedException {
        return start(suite, Options.edges(edges));
    }

    /** As {@link #start(String, int)}, with {@code options}. */
    public static ContainerCluster start(String suite, Options options) throws InterruptedException {
        ContainerCluster cluster = new ContainerCluster(HeraldImage.ensureBuilt(), suite, options);
        try {
            CompletableFuture.allOf(cluster.brokers.stream().map(b -> CompletableFuture.runAsync(b::start))
                    .toArray(CompletableFuture[]::new)).join();
            cluster.ingest.start();
            for (ContainerNode edge : cluster.edges) {
                edge.start();
            }
            return cluster;
        } catch (CompletionException e) {
            cluster.close();
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return java.util.Arrays.stream(kafkaPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** Broker node {@code id} (1 to 3). */
    public ContainerNode broker(int id) {
        return brokers.get(id - 1);
    }

    public ContainerNode ingest() {
        return ingest;
    }

    /** Edge {@code i}, from 0. */
    public ContainerNode edge(int i) {
        return edges.get(i);
    }

    public int edgeCount() {
        return edges.size();
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + ingestPort;
    }

    public String edgeHttp(int i) {
        return "http://127.0.0.1:" + edgePorts[i];
    }

    public String edgeWebSocket(int i) {
        return "ws://127.0.0.1:" + edgePorts[i] + "/v1/ws";
    }

    /** An Admin client of the cluster, for what an operator does with Kafka's own tools. */
    public Admin admin() {
        return admin(bootstrapServers());
    }

    /** The node id of {@code partition}'s leader now. */
    public int leaderOf(int partition) throws Exception {
        return partitionInfo(partition).leader().id();
    }

    /** Waits until every replica of every partition of the log is in sync again. */
    public void awaitAllInSync(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TopicDescription topic = describe();
            boolean all = topic.partitions().stream().allMatch(p -> p.isr().size() == p.replicas().size());
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replicas not all in sync within " + timeout + ": " + topic.partitions());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private TopicPartitionInfo partitionInfo(int partition) throws Exception {
        return describe().partitions().get(partition);
    }

    private TopicDescription describe() throws Exception {
        try (Admin admin = admin(bootstrapServers())) {
            return admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
        }
    }

    /** Whether broker {@code nodeId} answers metadata requests on its own port, itself among the nodes. */
    private boolean brokerAnswers(int nodeId) throws Exception {
        try (Admin admin = admin("127.0.0.1:" + kafkaPorts[nodeId - 1])) {
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == nodeId);
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** Whether {@code base}'s {@code /readyz} answers 200. */
    public static boolean ready(String base) throws Exception {
        HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        return answer.statusCode() == 200;
    }

    /** Removes every container, each even when removing another failed; the first failure is thrown after. */
    @Override
    public void close() {
        List<ContainerNode> all = new ArrayList<>(edges);
        all.add(ingest);
        all.addAll(brokers);
        RuntimeException first = null;
        for (ContainerNode node : all) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
