package dev.herald.fanout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.MalformedRecordException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log for one edge, on one thread ({@code herald-edge-poll}).
 *
 * <p>Each edge has its own consumer group, so it sees every partition. Per poll: each record is
 * read as an event (a malformed record is counted and skipped, its partition keeps flowing),
 * encoded into its frame once, checked against the dedup index and added to the history in one
 * store batch; once the batch is stored, new events go to the {@link EventSink}; then the offsets
 * are committed. So a committed offset always means "stored and handed to the connections".
 * A new edge starts at the log end; a restarted one continues from its committed offsets. The
 * group uses static membership (the group id is also the instance id), so a restart after a crash
 * does not wait for the dead member's session to expire.
 *
 * <p>If the store fails, the consumer stops committing, rewinds to the first record of the
 * failed poll, reports not-ready, and every second reopens the store and retries, until the
 * store works again; nothing is lost, since nothing of the failed poll was handed off or
 * committed.
 */
public final class FanoutConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long STORE_RETRY_MS = 1_000;
    /**
     * Offsets are committed at most this often (and on rebalance and close). Committing after every
     * poll cost the group coordinator one write per poll, most of the broker's work at a steady
     * trickle of events, and bought nothing: a restart re-reads at most this much, which the dedup
     * index drops and the history still holds.
     */
    private static final long COMMIT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final FanoutSettings settings;
    private final EventStore store;
    private final EventSink sink;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Epoch epoch;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Map<Integer, Long> nextOffsets = new ConcurrentHashMap<>();
    /** Records of each partition in the log and not yet handed off, as of the last poll; read by the metrics. */
    private final Map<Integer, Long> lags = new ConcurrentHashMap<>();
    private final Counter delivered;
    private final Counter duplicates;
    private final Counter malformed;
    private final Counter storeFailures;
    private final Timer publishToEnqueue;
    private volatile String notReadyReason = "starting";
    private volatile boolean running = true;
    /** Handed-off offsets not yet committed; poll thread only. */
    private boolean uncommitted;
    private long lastCommitNanos = System.nanoTime();

    /**
     * Reads the log's epoch, prepares the store for it and starts consuming.
     *
     * @throws IllegalStateException if the log topic cannot be described within {@code startupTimeout}
     */
    public FanoutConsumer(FanoutSettings settings, EventStore store, EventSink sink, MeterRegistry registry,
                          Clock clock, Duration startupTimeout) {
        this.settings = settings;
        this.store = store;
        this.sink = sink;
        this.clock = clock;
        this.epoch = describe(settings, startupTimeout);
        store.useEpoch(epoch);
        Map<String, Object> props = new HashMap<>(settings.kafkaOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId());
        // Static membership: the group's one member is this edge, under a fixed instance id. An edge
        // restarted after a crash takes its partitions over at once, instead of waiting out the dead
        // member's session (45 s by default) before the group rebalances.
        props.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        delivered = Counter.builder("herald.edge.consumed").tag("result", "delivered").description("Records consumed by result").register(registry);
        duplicates = Counter.builder("herald.edge.consumed").tag("result", "duplicate").register(registry);
        malformed = Counter.builder("herald.edge.consumed").tag("result", "malformed").register(registry);
        storeFailures = Counter.builder("herald.edge.store.failures").description("Polls the store could not write").register(registry);
        publishToEnqueue = Timer.builder("herald.edge.publish.to.enqueue").description("From an event's time to its hand-off to the connections")
                .publishPercentileHistogram().register(registry);
        registry.gauge("herald.edge.consumer.ready", this, c -> c.isReady() ? 1 : 0);
        for (int p = 0; p < epoch.partitionCount(); p++) {
            int partition = p;
            Gauge.builder("herald.edge.consumer.lag", lags, m -> m.getOrDefault(partition, -1L))
                    .tag("partition", Integer.toString(p))
                    .description("Records of the partition in the log and not yet handed to the connections, as of the last poll; "
                            + "-1 while unknown (not assigned, or nothing fetched yet)")
                    .register(registry);
        }
        thread = new Thread(this::run, "herald-edge-poll");
        thread.start();
    }

    /** The log's epoch. */
    public Epoch epoch() {
        return epoch;
    }

    /** The partition of {@code channel}, as Kafka's default partitioner picks it for the record key. */
    public int partitionOf(String channel) {
        return Utils.toPositive(Utils.murmur2(channel.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % epoch.partitionCount();
    }

    /**
     * The offset before which this edge has handed every record of {@code partition} to the
     * connections (or is handing the last one), or -1 before the partition is assigned.
     */
    public long nextOffset(int partition) {
        return nextOffsets.getOrDefault(partition, -1L);
    }

    /** Whether every partition is assigned and the last poll was stored. */
    public boolean isReady() {
        return notReadyReason == null;
    }

    /** Why the consumer is not ready, or {@code null}. */
    public String notReadyReason() {
        return notReadyReason;
    }

    /** Waits until the consumer has its partitions; for start-up and tests. */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    process(records);
                }
                commitIfDue();
                updateLags();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("edge consumer stopped", e);
            notReadyReason = "consumer stopped: " + e;
        } finally {
            try {
                commitSync();
            } catch (RuntimeException e) {
                LOG.warn("final offset commit failed: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        long now = clock.millis();
        List<HandOff> handOff = new ArrayList<>(records.count());
        try (EventStore.Batch batch = store.batch(now)) {
            for (ConsumerRecord<byte[], byte[]> rec : records) {
                batch.processed(rec.partition(), rec.offset() + 1);
                Event event;
                try {
                    event = RecordMapping.event(rec.key(), rec.value(), headers(rec), rec.partition(), rec.offset(), rec.timestamp());
                } catch (MalformedRecordException e) {
                    malformed.increment();
                    LOG.debug("skipping malformed record: {}", e.getMessage());
                    continue;
                }
                byte[] frame = FrameCodec.eventFrame(event, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())));
                if (batch.admit(event.id(), event.channel(), rec.partition(), rec.offset(), frame)) {
                    handOff.add(new HandOff(event, rec.partition(), rec.offset(), frame));
                } else {
                    duplicates.increment();
                }
            }
            batch.commit();
        } catch (StoreException e) {
            storeFailed(records, e);
            return;
        }
        for (HandOff h : handOff) {
            // Moved first: a subscriber added while this event is on its way reads a position at or
            // past it, so that if it misses the event, its position says it has nothing to miss.
            nextOffsets.put(h.partition(), h.offset() + 1);
            sink.deliver(h.event().channel(), h.partition(), h.offset(), h.frame());
            publishToEnqueue.record(Math.max(0, now - h.event().time().toEpochMilli()), TimeUnit.MILLISECONDS);
            delivered.increment();
        }
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> of = records.records(tp);
            nextOffsets.put(tp.partition(), of.get(of.size() - 1).offset() + 1);
        }
        uncommitted = true;
        notReadyReason = null;
    }

    /** Reads each assigned partition's lag from the consumer's last fetch, for {@code herald.edge.consumer.lag}. */
    private void updateLags() {
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                lags.put(tp.partition(), lag.getAsLong());
            }
        }
    }

    private void storeFailed(ConsumerRecords<byte[], byte[]> records, StoreException e) {
        storeFailures.increment();
        notReadyReason = "store failing: " + e.getMessage();
        LOG.warn("edge store write failed; not committing, retrying in {} ms: {}", STORE_RETRY_MS, e.getMessage());
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
        try {
            Thread.sleep(STORE_RETRY_MS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
            return;
        }
        try {
            store.reopen(); // a failed RocksDB write leaves the database refusing writes until it is reopened
        } catch (StoreException again) {
            LOG.warn("edge store still failing: {}", again.getMessage());
        }
    }

    /** The next offset of each partition after what was handed to the connections: what a commit says. */
    private Map<TopicPartition, OffsetAndMetadata> handedOff() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((p, next) -> {
            if (next >= 0) {
                offsets.put(new TopicPartition(settings.topic(), p), new OffsetAndMetadata(next));
            }
        });
        return offsets;
    }

    /** Commits the handed-off offsets if some are new and the last commit is {@link #COMMIT_INTERVAL_NS} old. */
    private void commitIfDue() {
        long now = System.nanoTime();
        if (!uncommitted || now - lastCommitNanos < COMMIT_INTERVAL_NS) {
            return;
        }
        consumer.commitAsync(handedOff(), null);
        uncommitted = false;
        lastCommitNanos = now;
    }

    private void commitSync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = handedOff();
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        }
    }

    private static List<HeaderField> headers(ConsumerRecord<byte[], byte[]> rec) {
        List<HeaderField> fields = new ArrayList<>();
        for (Header h : rec.headers()) {
            fields.add(new HeaderField(h.key(), h.value()));
        }
        return fields;
    }

    private static Epoch describe(FanoutSettings settings, Duration timeout) {
        Map<String, Object> props = new HashMap<>(settings.kafkaOverrides());
        props.put("bootstrap.servers", settings.bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription d = admin.describeTopics(Set.of(settings.topic())).allTopicNames()
                            .get(5, TimeUnit.SECONDS).get(settings.topic());
                    return new Epoch(new java.util.UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()),
                            d.partitions().size());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the log topic", e);
                } catch (Exception e) {
                    last = e;
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while reading the log topic", ie);
                    }
                }
            }
        }
        throw new IllegalStateException("log topic " + settings.topic() + " not readable within " + timeout
                + " (is ingest running? it creates the topic)", last);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A new event of a poll, stored and waiting to be handed to the sink. */
    private record HandOff(Event event, int partition, long offset, byte[] frame) {
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                long position = consumer.position(tp);
                store.beginPartition(tp.partition(), position);
                nextOffsets.put(tp.partition(), position);
            }
            if (consumer.assignment().size() == epoch.partitionCount()) {
                notReadyReason = null;
                assigned.countDown();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                lags.remove(tp.partition());
            }
            commitSync();
        }
    }
}
