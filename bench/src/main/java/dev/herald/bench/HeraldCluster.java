package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.herald.edge.EdgeConfig;
import dev.herald.ingest.IngestServer;

/**
 * Herald as a scenario runs it: ingest in the benchmark's JVM and {@code edges} edges, each in a
 * JVM of its own ({@link EdgeProcess}) with its own data folder and edge id, on one topic of the
 * given Kafka. Everything listens on 127.0.0.1. Closing stops the edges and ingest and deletes the
 * data folders. Not thread-safe, except that an edge's address may be read while
 * {@link #crashAndRestart} runs.
 */
final class HeraldCluster implements ScenarioTarget {

    private final IngestServer ingest;
    private final List<EdgeProcess> edges = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> edgeSettings = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();

    private HeraldCluster(IngestServer ingest) {
        this.ingest = ingest;
    }

    /** Starts ingest and the edges on {@code topic} (created with {@code partitions} partitions). */
    static HeraldCluster start(BenchBroker kafka, String topic, int partitions, int edges, String runId) throws IOException {
        return start(kafka, topic, partitions, edges, runId, Map.of());
    }

    /**
     * Like {@link #start(BenchBroker, String, int, int, String)}, with {@code shared} settings given
     * to ingest and to every edge alike (keys both know, such as the ephemeral lane's).
     */
    static HeraldCluster start(BenchBroker kafka, String topic, int partitions, int edges, String runId, Map<String, String> shared)
            throws IOException {
        return start(kafka, topic, partitions, edges, runId, shared, Map.of());
    }

    /**
     * Like {@link #start(BenchBroker, String, int, int, String, Map)}, with {@code edgeOnly}
     * settings given to every edge besides (keys only edges know, such as {@code latest.topic}).
     */
    static HeraldCluster start(BenchBroker kafka, String topic, int partitions, int edges, String runId, Map<String, String> shared,
                               Map<String, String> edgeOnly) throws IOException {
        HeraldCluster cluster = new HeraldCluster(kafka.startIngest(topic, partitions, shared));
        try {
            for (int i = 0; i < edges; i++) {
                Path data = Files.createTempDirectory("herald-bench-edge-" + i);
                cluster.dataDirs.add(data);
                Map<String, String> settings = new HashMap<>(shared);
                settings.putAll(edgeOnly);
                settings.putAll(Map.of(
                        EdgeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        EdgeConfig.TOPIC, topic,
                        EdgeConfig.HTTP_PORT, "0",
                        EdgeConfig.EDGE_ID, "bench-" + runId + "-" + i,
                        EdgeConfig.DATA_DIR, data.toString()));
                cluster.edgeSettings.add(settings);
                cluster.edges.add(EdgeProcess.start(settings));
                progress("edge %d (pid %d) at ws://127.0.0.1:%d/v1/ws", i, cluster.edges.get(i).handle().pid(),
                        cluster.edges.get(i).port());
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        progress("Herald ingest at %s, topic %s", cluster.ingest.baseUrl(), topic);
        return cluster;
    }

    @Override
    public String name() {
        return "herald";
    }

    String ingestUrl() {
        return ingest.baseUrl();
    }

    @Override
    public String publishUrl() {
        return ingestUrl();
    }

    int edges() {
        return edges.size();
    }

    @Override
    public int servers() {
        return edges();
    }

    @Override
    public InetSocketAddress serverAddress(int i) {
        return edgeAddress(i);
    }

    @Override
    public WsDialect dialect() {
        return WsDialect.HERALD;
    }

    @Override
    public boolean resumes() {
        return true;
    }

    /** Edge {@code i}'s process, for its memory and connection count. */
    EdgeProcess edge(int i) {
        return edges.get(i);
    }

    @Override
    public List<ProcessHandle> processes() {
        return edges.stream().map(EdgeProcess::handle).toList();
    }

    /** Edge {@code i}'s WebSocket address. */
    InetSocketAddress edgeAddress(int i) {
        return new InetSocketAddress("127.0.0.1", edges.get(i).port());
    }

    /** Edge {@code i}'s {@code http://127.0.0.1:port}. */
    String edgeUrl(int i) {
        return "http://127.0.0.1:" + edges.get(i).port();
    }

    /**
     * Kills edge {@code i} with SIGKILL and starts it again on the same port, data folder and edge
     * id, waiting {@code downMillis} between: a crash and a restart. Returns once it listens again.
     */
    @Override
    public void crashAndRestart(int i, long downMillis) throws InterruptedException {
        EdgeProcess edge = edges.get(i);
        edge.kill();
        progress("edge %d (pid %d) killed with SIGKILL", i, edge.handle().pid());
        edge.close();
        Thread.sleep(downMillis);
        Map<String, String> settings = new HashMap<>(edgeSettings.get(i));
        settings.put(EdgeConfig.HTTP_PORT, Integer.toString(edge.port()));
        EdgeProcess restarted = EdgeProcess.start(settings);
        edges.set(i, restarted);
        progress("edge %d restarted (pid %d) on port %d", i, restarted.handle().pid(), restarted.port());
    }

    /** Connections the edges have closed as too slow (4008) so far, all edges together. */
    @Override
    public long slowConsumerCloses() throws IOException, InterruptedException {
        long closes = 0;
        for (int i = 0; i < edges.size(); i++) {
            closes += (long) MetricsScrape.of(edgeUrl(i)).get("herald_edge_slow_consumer_closes_total");
        }
        return closes;
    }

    @Override
    public void close() {
        for (EdgeProcess e : edges) {
            e.close();
        }
        ingest.close();
        for (Path p : dataDirs) {
            BenchBroker.deleteTree(p);
        }
    }
}
