package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.schemas.protocol.RetainedReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted topic of every channel's latest value ({@code herald.latest}, written by
 * the streams service) into the edge's {@link LatestStore}, on its own thread
 * ({@code herald-edge-latest}) with its own consumer: every partition assigned, no group, no
 * commits, {@code read_committed} (the streams service writes in transactions), read from the
 * start at every start of the edge; a tombstone deletes the channel's value.
 *
 * <p>States: the topic does not exist (no streams service; looked for again every
 * {@value #MISSING_RECHECK_MS} ms, and never created by this consumer, so that the streams
 * service can create it compacted), catching up (reading what the topic held when it was found,
 * up to the end offsets taken then), current (caught up; following). {@link #lookup} answers a
 * value only when current, after waiting up to its caller's wait for that at start-up; before,
 * it answers {@link RetainedReason#LOADING}, and without the topic
 * {@link RetainedReason#UNAVAILABLE}. A value that does not decode is counted and skipped.
 *
 * <p>Thread-safe: {@link #lookup} from any thread.
 */
final class LatestFollower implements AutoCloseable {

    /** How often, in milliseconds, a missing topic is looked for again. */
    static final long MISSING_RECHECK_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(LatestFollower.class);

    /** What {@link #lookup} found: a value, or why there is none. */
    record Lookup(RetainedEvent event, RetainedReason missing) {
    }

    private enum State { LOOKING, CATCHING_UP, CURRENT }

    private final LatestStore store;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Counter malformed;
    private volatile boolean closed;
    /** Guarded by this; waiters on it are woken when it turns CURRENT. */
    private State state = State.LOOKING;
    private boolean topicFound;

    /**
     * @param clientProps the Kafka client settings (bootstrap servers and the edge's {@code kafka.*} overrides)
     */
    LatestFollower(LatestStore store, Map<String, Object> clientProps, String topic, MeterRegistry registry) {
        this.store = store;
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // the streams service creates it, compacted
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "herald-edge-latest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.malformed = Counter.builder("herald.edge.latest.malformed")
                .description("Records of the latest-values topic whose value is not a retained event; skipped").register(registry);
        Gauge.builder("herald.edge.latest.current", this, f -> f.current() ? 1 : 0)
                .description("1 once the edge has read every channel's latest value the topic held at its start (last:true is served "
                        + "then), else 0").register(registry);
        Gauge.builder("herald.edge.latest.channels", store, LatestStore::estimatedChannels)
                .description("Channels with a latest value in the edge's copy (RocksDB's estimate)").register(registry);
        this.thread = new Thread(this::run, "herald-edge-latest");
        thread.setDaemon(true);
    }

    /** Starts following the topic. */
    void start() {
        thread.start();
    }

    /** Whether every value the topic held when it was found has been read. */
    synchronized boolean current() {
        return state == State.CURRENT;
    }

    /**
     * {@code channel}'s latest value, waiting up to {@code waitMs} for the edge to catch up with
     * the topic at start-up. Blocking: call it on a worker.
     */
    Lookup lookup(String channel, long waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        synchronized (this) {
            while (state != State.CURRENT && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Lookup(null, topicFound ? RetainedReason.LOADING : RetainedReason.UNAVAILABLE);
                }
                try {
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Lookup(null, RetainedReason.LOADING);
                }
            }
            if (closed) {
                return new Lookup(null, RetainedReason.UNAVAILABLE);
            }
        }
        byte[] value = store.get(channel);
        return value == null ? new Lookup(null, RetainedReason.NONE) : new Lookup(RetainedEventCodec.decode(value), null);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> catchUpTo = null;
            while (!closed) {
                if (catchUpTo == null) {
                    catchUpTo = find();
                    if (catchUpTo == null) {
                        pause(MISSING_RECHECK_MS);
                        continue;
                    }
                }
                apply(consumer.poll(Duration.ofMillis(500)));
                if (!current() && caughtUp(catchUpTo)) {
                    turn(State.CURRENT);
                    LOG.info("the edge has read every channel's latest value in {}; last:true is served", topic);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("following {} failed; last:true answers retained:false (unavailable) until the edge restarts", topic, e);
            }
        } finally {
            synchronized (this) {
                topicFound = false;
                state = State.LOOKING;
                notifyAll();
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Assigns every partition of the topic from its start; the end offsets to catch up with, or {@code null} while it does not exist. */
    private Map<TopicPartition, Long> find() {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            partitions = List.of();
        }
        if (partitions == null || partitions.isEmpty()) {
            return null;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(30));
        synchronized (this) {
            topicFound = true;
            state = State.CATCHING_UP;
        }
        LOG.info("reading every channel's latest value from {} ({} partitions)", topic, assigned.size());
        return ends;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        try (WriteBatch batch = store.batch()) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.key() == null) {
                    malformed.increment();
                    continue;
                }
                String channel = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    LatestStore.delete(batch, channel);
                    continue;
                }
                try {
                    RetainedEventCodec.decode(r.value());
                } catch (MalformedRecordException e) {
                    malformed.increment();
                    LOG.warn("{} partition {} offset {} ({}) is not a retained event, skipped: {}", topic, r.partition(), r.offset(),
                            channel, e.getMessage());
                    continue;
                }
                LatestStore.put(batch, channel, r.value());
            }
            store.write(batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write latest values to the edge's store: " + e.getMessage(), e);
        }
    }

    private synchronized void turn(State next) {
        state = next;
        notifyAll();
    }

    private void pause(long ms) {
        synchronized (this) {
            if (!closed) {
                try {
                    wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    /** Stops following and waits for the thread (which closes the consumer). */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
