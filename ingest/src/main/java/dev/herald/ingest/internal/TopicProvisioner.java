package dev.herald.ingest.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the log topic when it is missing and reads the log's {@link Epoch}. */
final class TopicProvisioner {

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
    Epoch ensure(int partitions, short replicationFactor, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
                    create(partitions, replicationFactor);
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

    private void create(int partitions, short replicationFactor) throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get();
            LOG.info("created log topic {} with {} partitions, replication factor {}", topic, partitions, replicationFactor);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
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
