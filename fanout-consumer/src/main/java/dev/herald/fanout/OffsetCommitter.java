package dev.herald.fanout;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fanout consumer commits, and when: per partition, the offset after the last record
 * fully handed to the sink ({@link #handedOff}), so that a committed offset always means "stored
 * and handed to the connections".
 *
 * <p>Commits go out at most every {@link #COMMIT_INTERVAL_NS} ({@link #commitIfDue}, asynchronous),
 * and synchronously on rebalance and close ({@link #commitSync}). A failed commit is counted
 * ({@code herald_edge_commit_failures_total}), logged at most every 10 s, reported to
 * {@link ConsumerHealth} and retried by the next commit, which carries every offset handed off
 * so far. A fenced instance id is not retried: {@link #takeFenced} hands it to the poll loop.
 *
 * <p>Poll thread only (Kafka runs commit callbacks on it too).
 */
final class OffsetCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutConsumer.class);
    /**
     * Offsets are committed at most this often (and on rebalance and close). Committing after every
     * poll cost the group coordinator one write per poll, most of the broker's work at a steady
     * trickle of events, and bought nothing: a restart re-reads at most this much, which the
     * connections drop by offset and the history still holds.
     */
    private static final long COMMIT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** At most one commit-failure warning per this long; every failure is counted. */
    private static final long WARN_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final String topic;
    private final ConsumerHealth health;
    private final Counter failures;
    private final Map<Integer, Long> handedOff = new HashMap<>();
    /** Handed-off offsets not yet committed. */
    private boolean uncommitted;
    private long lastCommitNanos = System.nanoTime();
    private long lastWarnNanos;
    /** Set by a commit callback when another consumer took this edge's instance id. */
    private FencedInstanceIdException fenced;

    OffsetCommitter(String topic, ConsumerHealth health, MeterRegistry registry) {
        this.topic = topic;
        this.health = health;
        this.failures = Counter.builder("herald.edge.commit.failures").description("Offset commits that failed (retried by the next one)")
                .register(registry);
    }

    /** Everything of {@code partition} below {@code nextOffset} is handed off: the next due commit says so. */
    void handedOff(int partition, long nextOffset) {
        handedOff.put(partition, nextOffset);
        uncommitted = true;
    }

    /** The consumer starts {@code partition} at {@code offset}, as committed (or being committed) already. */
    void start(int partition, long offset) {
        handedOff.put(partition, offset);
    }

    /** The partition is no longer this consumer's: nothing more of it is committed. */
    void forget(int partition) {
        handedOff.remove(partition);
    }

    /** Something to commit that a failed commit left behind: the next due commit carries it. */
    void retryLater() {
        uncommitted = true;
    }

    /** Commits the handed-off offsets if some are new and the last commit is {@link #COMMIT_INTERVAL_NS} old. */
    void commitIfDue(KafkaConsumer<byte[], byte[]> c) {
        long now = System.nanoTime();
        if (!uncommitted || now - lastCommitNanos < COMMIT_INTERVAL_NS) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets();
        if (offsets.isEmpty()) {
            return;
        }
        c.commitAsync(offsets, (committed, error) -> {
            if (error == null) {
                health.commitSucceeded();
            } else {
                failed(error);
            }
        });
        uncommitted = false;
        lastCommitNanos = now;
    }

    /**
     * Commits the handed-off offsets of the partitions {@code c} has now, waiting up to 5 s.
     *
     * @throws WakeupException if the consumer was woken (not counted as a failure)
     * @throws KafkaException  if the commit failed (counted)
     */
    void commitSync(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets();
        offsets.keySet().retainAll(c.assignment());
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets, Duration.ofSeconds(5));
            health.commitSucceeded();
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            failures.increment();
            health.commitFailed(e.toString(), System.nanoTime());
            throw e;
        }
    }

    /** The fenced instance id a commit met since the last call, or {@code null}; cleared by the call. */
    FencedInstanceIdException takeFenced() {
        FencedInstanceIdException e = fenced;
        fenced = null;
        return e;
    }

    /** A failed asynchronous commit: counted, logged at most every 10 s, retried by the next commit. */
    private void failed(Exception error) {
        long now = System.nanoTime();
        failures.increment();
        health.commitFailed(error.toString(), now);
        uncommitted = true;
        if (now - lastWarnNanos > WARN_INTERVAL_NS) {
            lastWarnNanos = now;
            LOG.warn("offset commit failed; the next commit retries it: {}", error.toString());
        }
        if (error instanceof FencedInstanceIdException f) {
            fenced = f;
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        handedOff.forEach((p, next) -> offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(next)));
        return offsets;
    }
}
