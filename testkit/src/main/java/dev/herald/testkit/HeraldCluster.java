package dev.herald.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Herald as a deployment runs it, on a Kafka the test provides: {@code herald ingest} and
 * {@code edges} × {@code herald edge}, each a child process ({@link HeraldProcess}) on free loopback
 * ports, the edges with data folders of their own under {@code dataDir} and edge ids
 * {@code edge-0}, {@code edge-1} ... Tokens are off, and so are the per-address limits a test from
 * one address would hit; the ephemeral lane gets a port of its own, so clusters of parallel runs do
 * not hear each other. Faults: {@link #killEdge} (SIGKILL, a crash), {@link #stopEdge} (SIGTERM, a
 * drain), {@link #freezeEdge} (SIGSTOP, a stall, until {@link #thawEdge}) and {@link #restartEdge}
 * (the same port, data and id again).
 *
 * <p>Not thread-safe, except that URLs may be read while an edge restarts. Closing kills whatever is
 * still running.
 */
public final class HeraldCluster implements AutoCloseable {

    /** How long a process may take to print that it listens. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<String> shared;
    private final Path dataDir;
    private final int ingestPort;
    private final HeraldProcess ingest;
    private final List<Integer> edgePorts = new ArrayList<>();
    private final List<HeraldProcess> edges = new CopyOnWriteArrayList<>();

    private HeraldCluster(List<String> shared, Path dataDir, int ingestPort, HeraldProcess ingest) {
        this.shared = shared;
        this.dataDir = dataDir;
        this.ingestPort = ingestPort;
        this.ingest = ingest;
    }

    /**
     * Starts ingest and {@code edges} edges on {@code topic} of the Kafka at {@code bootstrapServers},
     * waiting until each listens. {@code settings} go to ingest and to every edge alike (each
     * {@code --set key=value}); an edge with a key ingest does not know would refuse to start, so give
     * only keys both know.
     */
    public static HeraldCluster start(String bootstrapServers, String topic, int edges, Path dataDir, Map<String, String> settings)
            throws Exception {
        List<String> shared = new ArrayList<>(List.of("--set", "bootstrap.servers=" + bootstrapServers, "--set", "topic=" + topic,
                "--set", "auth.mode=none", "--set", "ephemeral.port=" + FreePorts.next()));
        settings.forEach((k, v) -> shared.addAll(List.of("--set", k + "=" + v)));
        int ingestPort = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("ingest"));
        args.addAll(shared);
        args.addAll(List.of("--set", "http.port=" + ingestPort, "--set", "limits.publish.rate=off",
                "--set", "limits.publish.bytes.rate=off"));
        HeraldCluster cluster = new HeraldCluster(List.copyOf(shared), dataDir, ingestPort,
                HeraldProcess.start("listening on", START_TIMEOUT, args.toArray(String[]::new)));
        try {
            for (int i = 0; i < edges; i++) {
                cluster.edgePorts.add(FreePorts.next());
                cluster.edges.add(cluster.launchEdge(i));
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Ingest's base URL, {@code http://127.0.0.1:<port>}. */
    public String ingestUrl() {
        return "http://127.0.0.1:" + ingestPort;
    }

    /** How many edges there are (running or not). */
    public int edges() {
        return edgePorts.size();
    }

    /** Edge {@code i}'s WebSocket URL. */
    public String webSocketUrl(int i) {
        return "ws://127.0.0.1:" + edgePorts.get(i) + "/v1/ws";
    }

    /** Edge {@code i}'s base URL, {@code http://127.0.0.1:<port>}. */
    public String edgeUrl(int i) {
        return "http://127.0.0.1:" + edgePorts.get(i);
    }

    /** Edge {@code i}'s process, for its output. */
    public HeraldProcess edge(int i) {
        return edges.get(i);
    }

    /** Ingest's process. */
    public HeraldProcess ingest() {
        return ingest;
    }

    /** Kills edge {@code i} with SIGKILL and waits until it is gone: a crash, nothing drained or committed. */
    public void killEdge(int i) throws InterruptedException {
        edges.get(i).kill();
    }

    /** Stops edge {@code i} with SIGTERM (it drains: closes connections with 1001 and commits); returns its exit code. */
    public int stopEdge(int i, Duration timeout) throws InterruptedException {
        return edges.get(i).stop(timeout);
    }

    /** Freezes edge {@code i} (SIGSTOP): its connections stay open and nothing moves until {@link #thawEdge}. */
    public void freezeEdge(int i) throws IOException, InterruptedException {
        edges.get(i).freeze();
    }

    /** Lets a frozen edge {@code i} go on (SIGCONT). */
    public void thawEdge(int i) throws IOException, InterruptedException {
        edges.get(i).thaw();
    }

    /** Starts edge {@code i} again, after a kill or a stop, on its port, data folder and edge id; waits until it listens. */
    public void restartEdge(int i) throws Exception {
        edges.get(i).close();
        edges.set(i, launchEdge(i));
    }

    private HeraldProcess launchEdge(int i) throws Exception {
        List<String> args = new ArrayList<>(List.of("edge"));
        args.addAll(shared);
        args.addAll(List.of("--set", "http.port=" + edgePorts.get(i), "--set", "edge.id=edge-" + i,
                "--set", "data.dir=" + dataDir.resolve("edge-" + i), "--set", "limits.new.connections.rate=off",
                "--set", "limits.connections.per.address=0"));
        return HeraldProcess.start("listening on", START_TIMEOUT, args.toArray(String[]::new));
    }

    /** Kills every process still running. */
    @Override
    public void close() {
        for (HeraldProcess edge : edges) {
            edge.close();
        }
        ingest.close();
    }
}
