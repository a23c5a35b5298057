package dev.herald.streams.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the topics of the streams service: waits for the log (ingest creates it), then creates
 * {@code herald.latest} (compacted) and {@code herald.stats} when missing, each with the log's
 * partitions and replication factor. {@code herald.latest} takes records as large as the log's
 * plus a retained event's envelope ({@link #ENVELOPE_BYTES}). An existing {@code herald.latest}
 * with other partitions than the log, or not compacted, stops start-up: an edge looks a channel's
 * latest value up in the partition of its events, and only compaction keeps one value per channel.
 */
public final class StreamsTopics {

    /** Room a retained event needs besides its log record: its JSON envelope (channel, id, type, source...), generously. */
    public static final int ENVELOPE_BYTES = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StreamsTopics.class);

    /**
     * What the service needs to know of the log.
     *
     * @param epoch           its epoch: topic id and partitions
     * @param replication     its replication factor (of its first partition)
     * @param maxMessageBytes its {@code max.message.bytes}
     */
    public record Log(Epoch epoch, short replication, int maxMessageBytes) {

        /** The largest retained event a record of the log makes. */
        public int maxRetainedBytes() {
            return (int) Math.min(Integer.MAX_VALUE, (long) maxMessageBytes + ENVELOPE_BYTES);
        }
    }

    private final Admin admin;
    private final long timeoutMs;

    public StreamsTopics(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Waits up to the timeout for {@code logTopic}, then makes sure the other two exist.
     *
     * @throws IllegalStateException if the log does not appear in time, Kafka cannot be reached, or
     *                               an existing {@code latestTopic} is not fit; the message says which
     */
    public Log ensure(String logTopic, String latestTopic, String statsTopic, long statsRetentionMs) {
        Log log = awaitLog(logTopic);
        try {
            ensureTopic(latestTopic, log, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(log.maxRetainedBytes())));
            checkLatest(latestTopic, log);
            ensureTopic(statsTopic, log, Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(statsRetentionMs)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the streams topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot prepare topics " + latestTopic + " and " + statsTopic + ": " + e.getMessage(), e);
        }
        return log;
    }

    /** The log's epoch as Kafka describes it now. */
    public Epoch epoch(String logTopic) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return epochOf(describe(logTopic));
    }

    private Log awaitLog(String logTopic) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = describe(logTopic);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, logTopic);
                Config config = admin.describeConfigs(Set.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
                ConfigEntry max = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                return new Log(epochOf(d), (short) d.partitions().get(0).replicas().size(),
                        max == null || max.value() == null ? 1_048_588 : Integer.parseInt(max.value()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the log topic " + logTopic, e);
            } catch (Exception e) {
                last = e;
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    LOG.warn("Kafka not ready for log topic {} yet: {}", logTopic, e.toString());
                }
                sleepQuietly(250);
            }
        }
        throw new IllegalStateException("the log topic " + logTopic + " did not appear within " + timeoutMs
                + " ms (ingest creates it at start; start ingest, or check bootstrap.servers and topic)", last);
    }

    private TopicDescription describe(String topic) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return admin.describeTopics(Set.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(topic);
    }

    private static Epoch epochOf(TopicDescription d) {
        return new Epoch(new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()), d.partitions().size());
    }

    private void ensureTopic(String topic, Log log, Map<String, String> configs)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        if (admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, log.epoch().partitionCount(), log.replication()).configs(configs)))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("created topic {} with {} partitions, replication factor {}, {}", topic, log.epoch().partitionCount(),
                    log.replication(), configs);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private void checkLatest(String latestTopic, Log log) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        int partitions = describe(latestTopic).partitions().size();
        if (partitions != log.epoch().partitionCount()) {
            throw new IllegalStateException("topic " + latestTopic + " has " + partitions + " partitions and the log "
                    + log.epoch().partitionCount() + "; they must be equal, since a channel's latest value is looked up in the partition "
                    + "of its events: delete " + latestTopic + " (the service rebuilds it from the log) or name another latest.topic");
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, latestTopic);
        ConfigEntry policy = admin.describeConfigs(Set.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("topic " + latestTopic + " has cleanup.policy=" + (policy == null ? "?" : policy.value())
                    + "; it must be compact (one value kept per channel): set it with kafka-configs.sh, or name another latest.topic");
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
