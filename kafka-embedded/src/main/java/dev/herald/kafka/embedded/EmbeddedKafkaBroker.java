package dev.herald.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker running in this JVM in KRaft combined mode
 * ({@code process.roles=broker,controller}), listening on loopback only: a cluster of its own, or
 * one node of a cluster whose nodes are all such brokers.
 *
 * <p><b>One node</b> (the default): node id 1, the only voter of its controller quorum, internal
 * topics with one replica. <b>A node of a cluster</b>: give every node the same
 * {@linkplain Builder#controllerQuorumVoters voters} ({@code id@host:port} of each node's
 * controller listener) and the same {@linkplain Builder#clusterId cluster id}, and each its own
 * {@linkplain Builder#nodeId node id}. Then internal topics get {@code min(3, nodes)} replicas, and
 * with three nodes or more {@code min.insync.replicas=2}, so that an {@code acks=all} write
 * survives the loss of any one node; unclean leader election stays off (Kafka's default), so a
 * replica that was not in sync never becomes leader. {@link #start()} returns once the node
 * answers metadata requests, which needs a majority of the voters running: start the nodes of a
 * cluster concurrently (one process each, or one thread each).
 *
 * <p>The broker keeps everything under one data folder: {@code server.properties}, the log
 * directory and its {@code meta.properties}. Starting again on a folder that was already
 * formatted reuses its cluster id and its data, so a dev broker keeps its topics across
 * restarts. Ports default to free ephemeral ports, chosen once per instance, so that a broker
 * stopped with {@link #stop()} comes back on the same address with {@link #start()}, and several
 * brokers (one per test class) can run side by side.
 *
 * <p>Not thread-safe: start and stop it from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int nodeId;
    private final int brokerPort;
    private final int controllerPort;
    /** The {@code controller.quorum.voters} of a cluster, or {@code null} for a cluster of this node alone. */
    private final QuorumVoters voters;
    /** The id to format a new data folder with; {@code null}: a new random one (one node only). */
    private final String clusterId;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath();
        this.nodeId = builder.nodeId;
        this.voters = builder.voters;
        this.clusterId = builder.clusterId;
        int[] free = freePorts(2);
        this.brokerPort = builder.brokerPort == 0 ? free[0] : builder.brokerPort;
        if (voters == null) {
            this.controllerPort = builder.controllerPort == 0 ? free[1] : builder.controllerPort;
        } else {
            int own = voters.controllerPort(nodeId);
            if (builder.controllerPort != 0 && builder.controllerPort != own) {
                throw new IllegalArgumentException("controller port " + builder.controllerPort + " is not node " + nodeId
                        + "'s port in the voters " + voters + " (" + own + ")");
            }
            this.controllerPort = own;
            if (clusterId == null && voters.size() > 1) {
                throw new IllegalArgumentException("a node of a " + voters.size() + "-node cluster needs the cluster id all its"
                        + " nodes share (each would otherwise format its folder with an id of its own, and they would never form a"
                        + " quorum); make one with: head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='");
            }
        }
        this.overrides = new TreeMap<>(builder.overrides);
        this.overrides.putIfAbsent("num.partitions", Integer.toString(builder.defaultPartitions)); // a brokerProperty wins
    }

    /** Returns a builder for a broker that keeps its data under {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Formats the data folder if it is new, starts the broker and waits until it answers
     * metadata requests.
     *
     * @return this broker, started
     * @throws IllegalStateException if it is already running or does not come up in time
     */
    public EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("broker is already running at " + bootstrapServers());
        }
        Path propsFile = writeServerProperties();
        formatIfNew(propsFile);
        Properties props = new Properties();
        props.putAll(serverProperties());
        KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        started.startup();
        server = started;
        awaitReady();
        return this;
    }

    /** Stops the broker and waits for it to finish shutting down; its data stays. No-op if stopped. */
    public void stop() {
        KafkaRaftServer running = server;
        server = null;
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
        }
    }

    /** Whether {@link #start()} has been called without a later {@link #stop()}. */
    public boolean isRunning() {
        return server != null;
    }

    /** The {@code bootstrap.servers} string for clients: {@code 127.0.0.1:<brokerPort>}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The client (PLAINTEXT) listener port. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The KRaft controller listener port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** This node's id ({@code node.id}). */
    public int nodeId() {
        return nodeId;
    }

    /** How many nodes the cluster has (its controller quorum's voters). */
    public int clusterSize() {
        return voters == null ? 1 : voters.size();
    }

    /** The folder holding the broker's configuration and logs. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop();
    }

    private Map<String, String> serverProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters == null ? nodeId + "@" + HOST + ":" + controllerPort : voters.toString());
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("log").toString());
        // a replica on every node up to 3; with 3 or more, an acks=all write is on 2 at least
        String replicas = Integer.toString(Math.min(3, clusterSize()));
        String minInSync = clusterSize() >= 3 ? "2" : "1";
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInSync);
        p.put("unclean.leader.election.enable", "false");
        p.putAll(overrides);
        return p;
    }

    private Path writeServerProperties() {
        try {
            Files.createDirectories(dataDir);
            StringBuilder text = new StringBuilder("# written by Herald's embedded broker on each start\n");
            serverProperties().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Path file = dataDir.resolve("server.properties");
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write broker config under " + dataDir, e);
        }
    }

    private void formatIfNew(Path propsFile) {
        if (Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String id = clusterId != null ? clusterId : Uuid.randomUuid().toString();
        String[] args = {"format", "-t", id, "-c", propsFile.toString(), "--ignore-formatted"};
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args, print);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting " + dataDir + " failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin client = Admin.create(admin)) {
            while (true) {
                try {
                    if (!client.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker at " + bootstrapServers() + " not ready within " + READY_TIMEOUT, notYet);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker at " + bootstrapServers() + " not ready within " + READY_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    /**
     * {@code count} distinct free ports: each socket stays open until all are chosen, so the
     * system cannot hand out one port twice (two listeners on one port stop the broker).
     */
    private static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the port is free again either way
                    }
                }
            }
        }
    }

    /** Sets the folder, ports and broker settings before {@link #build()}. */
    public static final class Builder {
        private final Path dataDir;
        private int nodeId = 1;
        private QuorumVoters voters;
        private String clusterId;
        private int brokerPort;
        private int controllerPort;
        private int defaultPartitions = 6;
        private final Map<String, String> overrides = new TreeMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = requirePort(port);
            return this;
        }

        /** The controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = requirePort(port);
            return this;
        }

        /** This node's id, at least 0; default 1. In a cluster, one of the voters' ids. */
        public Builder nodeId(int id) {
            if (id < 0) {
                throw new IllegalArgumentException("node id must be >= 0, was " + id);
            }
            this.nodeId = id;
            return this;
        }

        /**
         * The controller quorum of a cluster, as Kafka's {@code controller.quorum.voters}:
         * {@code id@host:port} of every node's controller listener, comma-separated, alike on every
         * node. This node's entry gives its controller port.
         *
         * @throws IllegalArgumentException when {@code voters} is not of that form
         */
        public Builder controllerQuorumVoters(String voters) {
            this.voters = QuorumVoters.parse(voters);
            return this;
        }

        /**
         * The cluster id a new data folder is formatted with (a base64url UUID of 22 characters, as
         * {@code kafka-storage random-uuid} makes): required for a node of a cluster of more than
         * one, the same on every node. A folder formatted before keeps the id it has.
         */
        public Builder clusterId(String id) {
            try {
                Uuid.fromString(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster id '" + id + "' is not a base64url UUID (22 characters, like "
                        + Uuid.randomUuid() + ")", e);
            }
            this.clusterId = id;
            return this;
        }

        /** {@code num.partitions} for topics created without a count; default 6. */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, was " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** Any other broker setting, e.g. {@code log.retention.ms}; wins over Herald's defaults. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /**
         * @throws IllegalArgumentException when this node is not among the voters, or a node of a
         *                                  cluster has no cluster id
         */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }

        private static int requirePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            return port;
        }
    }

}
