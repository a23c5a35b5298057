package dev.herald.ingest.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the log topic when it is missing and reads the log's {@link Epoch}.
 *
 * <p>The topic must take a record of the largest event ingest accepts: its
 * {@code max.message.bytes} is set to {@link #recordBytes} of {@code publish.max.body.bytes}
 * when the topic is created, and raised to it on start-up if an existing topic has less (a
 * record Kafka refuses is an event that was never acknowledged, but one ingest promised to take).
 */
final class TopicProvisioner {

    /** Room a record needs besides its payload: key, CloudEvents headers and batch framing, generously. */
    static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    /** The log topic cannot take a record of the largest event, and raising its limit was refused. */
    static final class TopicTooSmallException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TopicTooSmallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The largest record an event of {@code maxBodyBytes} makes, as Kafka counts it (a batch of one). */
    static int recordBytes(int maxBodyBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxBodyBytes + RECORD_OVERHEAD_BYTES);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final String topic;

    TopicProvisioner(Admin admin, String topic) {
        this.admin = admin;
        this.topic = topic;
    }

    /**
     * Creates the topic with {@code partitions} and {@code replicationFactor} unless it exists,
     * retrying until {@code timeoutMs} has passed.
     *
     * @return the epoch of the topic as it now is
     * @throws IllegalStateException if Kafka cannot be reached in time
     */
    Epoch ensure(int partitions, short replicationFactor, int maxRecordBytes, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
                    create(partitions, replicationFactor, maxRecordBytes, timeoutMs);
                } else {
                    ensureRecordSize(maxRecordBytes, timeoutMs);
                }
                Epoch epoch = describe(timeoutMs);
                if (epoch.partitionCount() != partitions) {
                    LOG.info("log topic {} exists with {} partitions (topic.partitions={} applies only when creating it)",
                            topic, epoch.partitionCount(), partitions);
                }
                return epoch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while preparing topic " + topic, e);
            } catch (TopicTooSmallException e) {
                throw e; // the topic cannot take the largest event, and may not be changed: retrying will not help
            } catch (Exception e) {
                last = e;
                LOG.warn("Kafka not ready for topic {} yet: {}", topic, e.toString());
                sleepQuietly(250);
            }
        }
        throw new IllegalStateException("could not prepare log topic " + topic + " within " + timeoutMs + " ms", last);
    }

    /** The topic's current epoch, read from Kafka. */
    Epoch describe(long timeoutMs) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(topic);
        Uuid id = d.topicId();
        return new Epoch(new java.util.UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()), d.partitions().size());
    }

    /**
     * Raises the topic's {@code max.message.bytes} to {@code maxRecordBytes} if it is lower.
     *
     * @throws IllegalStateException if it is lower and cannot be raised (no permission, say), naming both values
     */
    private void ensureRecordSize(int maxRecordBytes, long timeoutMs) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(Set.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
        ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        int current = entry == null || entry.value() == null ? 0 : Integer.parseInt(entry.value());
        if (current >= maxRecordBytes) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> raise = Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes)), AlterConfigOp.OpType.SET)));
        try {
            admin.incrementalAlterConfigs(raise).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                throw e; // retried until the start-up deadline
            }
            throw new TopicTooSmallException("log topic " + topic + " has max.message.bytes=" + current + ", too small for the largest "
                    + "event publish.max.body.bytes allows (records of up to " + maxRecordBytes + " bytes), and raising it failed: "
                    + e.getCause() + "; raise the topic's max.message.bytes or lower publish.max.body.bytes", e);
        }
        LOG.info("raised max.message.bytes of log topic {} from {} to {} for publish.max.body.bytes", topic, current, maxRecordBytes);
    }

    private void create(int partitions, short replicationFactor, int maxRecordBytes, long timeoutMs) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes))))).all().get();
            LOG.info("created log topic {} with {} partitions, replication factor {}", topic, partitions, replicationFactor);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            ensureRecordSize(maxRecordBytes, timeoutMs); // another ingest made it first, maybe with other settings
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
