package dev.herald.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.herald.schemas.Epoch;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka cluster an operator command ({@code lag}, {@code tail}) reads, with every call bounded
 * by one timeout: an Admin client, and plain consumers that belong to no group and commit
 * nothing. A cluster that does not answer in time, or a topic that is not there, is an
 * {@link IllegalStateException} whose message names the cluster and what to check, which the
 * launcher prints as one line with exit code 2.
 *
 * <p>Not thread-safe: one command's thread uses it, then closes it.
 */
final class LogCluster implements AutoCloseable {

    private final Map<String, Object> clientProps;
    private final String servers;
    private final Duration timeout;
    private final Admin admin;

    /**
     * @param clientProps Kafka client properties naming the cluster ({@link LogOptions#clientProps()})
     * @param timeout     how long any one call to the cluster may take
     */
    LogCluster(Map<String, Object> clientProps, Duration timeout) {
        this.clientProps = Map.copyOf(clientProps);
        this.servers = String.valueOf(clientProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        this.timeout = timeout;
        Map<String, Object> props = new HashMap<>(clientProps);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // the Admin's own deadlines match ours, so no call outlives the command's wait for it
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-operator");
        this.admin = Admin.create(props);
    }

    /** The Admin client; wait for its results with {@link #await}. */
    Admin admin() {
        return admin;
    }

    /** The bootstrap servers, for messages. */
    String servers() {
        return servers;
    }

    /** How long one call may take. */
    Duration timeout() {
        return timeout;
    }

    /**
     * The result of an Admin call.
     *
     * @param what what was asked, for the message if it fails ("the consumer groups")
     * @throws IllegalStateException if the cluster did not answer within the timeout or refused
     */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + what + " from Kafka at " + servers, e);
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (ExecutionException e) {
            if (timedOut(e)) {
                throw unreachable(what, e.getCause());
            }
            throw new IllegalStateException("reading " + what + " from Kafka at " + servers + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Whether a Kafka timeout is among {@code e}'s causes (some calls wrap it: "Failed to find brokers to send ListGroups"). */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The error for a cluster that did not answer in time while reading {@code what}. */
    IllegalStateException unreachable(String what, Throwable cause) {
        return new IllegalStateException("Kafka at " + servers + " did not answer within " + timeout.toSeconds() + " s (reading "
                + what + "): is the cluster up, and are --bootstrap-servers (or the --config file's) right?", cause);
    }

    /**
     * The epoch of {@code topic}: its id and partition count.
     *
     * @throws IllegalStateException if the topic does not exist or the cluster does not answer
     */
    Epoch epoch(String topic) {
        TopicDescription d;
        try {
            d = admin.describeTopics(Set.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("there is no topic " + topic + " on Kafka at " + servers
                        + ": name the log with --topic (ingest creates it at its first start)");
            }
            if (timedOut(e)) {
                throw unreachable("topic " + topic, e.getCause());
            }
            throw new IllegalStateException("describing topic " + topic + " on Kafka at " + servers + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw unreachable("topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
        return new Epoch(new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()), d.partitions().size());
    }

    /**
     * A consumer that reads by {@code assign} and {@code seek} only: no group id, so it joins no
     * group and can commit nothing; it reads committed records only, as an edge does.
     *
     * @param clientId the client id the broker sees ("herald-tail")
     */
    KafkaConsumer<byte[], byte[]> plainConsumer(String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a position older than the log's start (retention) reads on from the start; the callers say so
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
