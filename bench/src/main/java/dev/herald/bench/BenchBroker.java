package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The one Kafka cluster every measurement of a run uses: either an {@link EmbeddedKafkaBroker}
 * started in a new temporary folder in this JVM, or an existing cluster named by its bootstrap
 * servers.
 *
 * <p>{@link #close} deletes the topics this run created, stops an embedded broker and deletes its
 * folder. Not thread-safe.
 */
final class BenchBroker implements AutoCloseable {

    private static final long ADMIN_TIMEOUT_S = 30;

    private final EmbeddedKafkaBroker embedded;
    private final Path dataDir;
    private final String bootstrapServers;
    private final Admin admin;
    private final List<String> createdTopics = new ArrayList<>();

    private BenchBroker(EmbeddedKafkaBroker embedded, Path dataDir, String bootstrapServers) {
        this.embedded = embedded;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "herald-bench-admin"));
    }

    /** Starts a single-node KRaft broker on loopback, with its data in a new temporary folder. */
    static BenchBroker embedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("herald-bench-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the broker", e);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir).build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.stop();
            deleteTree(dir);
            throw e;
        }
        return new BenchBroker(broker, dir, broker.bootstrapServers());
    }

    /** Uses the running cluster at {@code bootstrapServers}; it is left running on close. */
    static BenchBroker external(String bootstrapServers) {
        return new BenchBroker(null, null, bootstrapServers);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Starts Herald's ingest in this JVM on a free loopback port, publishing to {@code topic} of this
     * Kafka (created with {@code partitions} partitions and replication factor 1 if missing).
     */
    IngestServer startIngest(String topic, int partitions) {
        return startIngest(topic, partitions, Map.of());
    }

    /** Like {@link #startIngest(String, int)}, with {@code extra} settings ({@code IngestConfig} keys) added. */
    IngestServer startIngest(String topic, int partitions, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                IngestConfig.BOOTSTRAP_SERVERS, bootstrapServers,
                IngestConfig.HTTP_PORT, "0",
                IngestConfig.TOPIC, topic,
                IngestConfig.TOPIC_PARTITIONS, Integer.toString(partitions),
                IngestConfig.TOPIC_REPLICATION_FACTOR, "1",
                IngestConfig.INGEST_ID, "bench",
                "auth.mode", "none", // a benchmark with tokens passes its auth.* settings in extra
                "limits.publish.rate", "off", "limits.publish.bytes.rate", "off")); // one load generator is one publisher
        settings.putAll(extra);
        return IngestServer.start(new IngestConfig(settings));
    }

    /** One line for the report: what kind of broker the figures come from. */
    String description() {
        return embedded != null
                ? "one embedded KRaft broker (broker and controller in one node), in the benchmark's JVM, on 127.0.0.1"
                : "the cluster at " + bootstrapServers;
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and replication factor 1, and
     * remembers it for deletion on {@link #close}.
     *
     * @throws IllegalStateException if it cannot be created, e.g. because it exists already
     */
    void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
            createdTopics.add(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    @Override
    public void close() {
        try {
            if (embedded == null && !createdTopics.isEmpty()) {
                admin.deleteTopics(createdTopics).all().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("could not delete the benchmark topics " + createdTopics + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close();
            if (embedded != null) {
                embedded.stop();
                deleteTree(dataDir);
            }
        }
    }

    /** Deletes {@code root} and everything below it; what cannot be deleted is reported, not thrown. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
