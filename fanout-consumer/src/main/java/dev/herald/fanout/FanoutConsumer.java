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
import dev.herald.schemas.LogControl;
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
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
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
 * read as an event (a malformed record is counted and skipped, its partition keeps flowing; a
 * {@linkplain LogControl control record} is counted and skipped, never delivered),
 * encoded into its frame once, checked against the dedup index and added to the history in one
 * store batch; once the batch is stored, new events go to the {@link EventSink}; then the offsets
 * are committed. So a committed offset always means "stored and handed to the connections".
 * A new edge starts at the log end; a restarted one continues from its committed offsets. The
 * group uses static membership (the group id is also the instance id), so a restart after a crash
 * does not wait for the dead member's session to expire.
 *
 * <pre>
 * How the poll thread never dies and never stalls:
 *  - back-pressure: the sink never blocks; while it says it is {@link EventSink#behind behind},
 *    every assigned partition is paused, and the loop goes on polling (heartbeats), committing
 *    and reading lag until it catches up. Waiting inside the hand-off instead would stop all of
 *    that, and a wait past max.poll.interval.ms would cost the edge its partitions.
 *  - a store failure: no commit, a rewind to the first record of the failed poll, not ready,
 *    and every second a reopen of the store and a retry, until it works again.
 *  - any other failure (the sink, a codec, the consumer itself): logged and counted, the edge not
 *    ready; the handed-off offsets are committed if possible, the Kafka consumer is closed and a
 *    new one joins after a back-off (1 s, doubling to 30 s) and reads on from the committed offsets.
 *  - a fenced instance id (another consumer joined under this edge's id: two edges with one
 *    edge.id) ends consumption for good, not ready, loudly: rejoining would fence the other in
 *    turn, and each would skip what the other committed.
 *  - a position outside the log (retention passed it): read on from the log start, tell the
 *    partition's subscribers to resume (they learn what is gone), count it.
 *  - a poll loop that stops turning (a stalled store write, say) makes the edge not ready after
 *    30 s, and an Error ending the thread is logged and makes it not ready.
 *  - a failed offset commit: logged and counted, retried with the next commit (which carries
 *    every offset handed off so far); not ready once commits fail for 10 s.
 * A record read again after any rewind is found in the dedup index at its own partition and
 * offset: it is handed off again ({@link Admission#REREAD}), never taken for a duplicate, so a
 * rewind can repeat an event on a connection (which drops it by offset) but never lose one.
 * </pre>
 *
 * <p>A history replay's records come to the poll thread through {@link #historyRestore()} and are
 * stored between polls, so the store keeps one writer. On {@link #close} the consumer leaves its
 * group: a static member stays in it after closing by default, until its session times out, and a
 * group with a member is one whose offsets Kafka refuses to move ({@code herald replay} on a
 * stopped edge). A consumer replaced after a failure stays in the group, so that its successor
 * takes its partitions back at once.
 */
public final class FanoutConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** The poll timeout while a history replay hands records over ({@link HistoryRestore}): short, so they are stored promptly. */
    private static final Duration RESTORE_POLL_TIMEOUT = Duration.ofMillis(1);
    private static final long STORE_RETRY_MS = 1_000;
    private static final long FIRST_RESTART_BACKOFF_MS = 1_000;
    private static final long MAX_RESTART_BACKOFF_MS = 30_000;
    /** While paused, the lag is read from the log's end offsets at most this often. */
    private static final long PAUSED_LAG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final FanoutSettings settings;
    private final EventStore store;
    private final EventSink sink;
    private final Clock clock;
    private final Map<String, Object> consumerProps;
    private final Epoch epoch;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch stopping = new CountDownLatch(1);
    /** Subscribers' view: the offset after the last event of each partition handed (or being handed) to the sink. */
    private final Map<Integer, Long> nextOffsets = new ConcurrentHashMap<>();
    /** What a commit says, and when it is made. Poll thread only. */
    private final OffsetCommitter commits;
    /** Each partition's lag in records and in time, as of the last poll; read by the metrics. */
    private final PartitionLags lags;
    private final ConsumerHealth health = new ConsumerHealth();
    /** Records of history replays on their way to the store, written by the poll thread between polls. */
    private final HistoryRestore restore = new HistoryRestore();
    private final Counter delivered;
    private final Counter rereads;
    private final Counter duplicates;
    private final Counter malformed;
    private final Counter control;
    private final Counter storeFailures;
    private final Counter consumerFailures;
    private final Counter assignments;
    private final Counter pauses;
    private final Counter offsetResets;
    private final Timer publishToEnqueue;
    /** Replaced after a failure; the poll thread's own, but {@link #close} wakes the current one. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean paused;
    private long lastPausedLagNanos;

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
        // "none": a new edge's start at the log end is explicit (onPartitionsAssigned), and a position
        // that retention passed is handled (resetOutOfRange), never a silent jump to the end
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerProps = Map.copyOf(props);
        consumer = newConsumer();
        delivered = consumed("delivered", registry);
        rereads = consumed("reread", registry);
        duplicates = consumed("duplicate", registry);
        malformed = consumed("malformed", registry);
        control = consumed("control", registry);
        storeFailures = Counter.builder("herald.edge.store.failures").description("Polls the store could not write").register(registry);
        consumerFailures = Counter.builder("herald.edge.consumer.failures")
                .description("Unexpected failures of the poll loop; each replaces the Kafka consumer").register(registry);
        commits = new OffsetCommitter(settings.topic(), health, registry);
        assignments = Counter.builder("herald.edge.consumer.assignments")
                .description("Partition assignments this edge's consumer received (one per rebalance)").register(registry);
        pauses = Counter.builder("herald.edge.consumer.pauses")
                .description("Times the consumer paused its partitions because the connections were behind").register(registry);
        offsetResets = Counter.builder("herald.edge.consumer.offset.resets")
                .description("Times a partition's position was outside the log (retention passed it) and reading went on from the log start")
                .register(registry);
        publishToEnqueue = Timer.builder("herald.edge.publish.to.enqueue").description("From an event's time to its hand-off to the connections")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("herald.edge.consumer.ready", this, c -> c.isReady() ? 1 : 0)
                .description("1 while every partition is assigned and the store, the consumer and its commits work").register(registry);
        Gauge.builder("herald.edge.consumer.paused", this, c -> c.paused ? 1 : 0)
                .description("1 while consumption is paused because the connections are behind").register(registry);
        Gauge.builder("herald.edge.store.cached.channels", store, EventStore::cachedChannels)
                .description("Channels whose history count the store keeps in memory (bounded)").register(registry);
        lags = new PartitionLags(registry, epoch.partitionCount(), clock);
        thread = new Thread(this::run, "herald-edge-poll");
        thread.start();
    }

    private static Counter consumed(String result, MeterRegistry registry) {
        return Counter.builder("herald.edge.consumed").tag("result", result).description("Records consumed by result").register(registry);
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The log's epoch. */
    public Epoch epoch() {
        return epoch;
    }

    /** The partition of {@code channel}, as Kafka's default partitioner picks it for the record key. */
    public int partitionOf(String channel) {
        return partitionOf(channel, epoch.partitionCount());
    }

    /** The partition of {@code channel} in a log of {@code partitionCount} partitions, as Kafka's default partitioner picks it. */
    public static int partitionOf(String channel, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(channel.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitionCount;
    }

    /**
     * The offset before which this edge has handed every record of {@code partition} to the
     * connections (or is handing the last one), or -1 before the partition is assigned.
     */
    public long nextOffset(int partition) {
        return nextOffsets.getOrDefault(partition, -1L);
    }

    /** Where a history replay hands its records to the store's writer, this consumer's poll thread. */
    public HistoryRestore historyRestore() {
        return restore;
    }

    /** Whether every partition is assigned and the store, the consumer and its commits work. */
    public boolean isReady() {
        return notReadyReason() == null;
    }

    /** Why the consumer is not ready, or {@code null}. */
    public String notReadyReason() {
        return health.notReadyReason(System.nanoTime());
    }

    /** Waits until the consumer has its partitions; for start-up and tests. */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        long backoffMs = FIRST_RESTART_BACKOFF_MS;
        // a fenced consumer must not leave: its instance id is the other edge's now, which a leave would remove
        CloseOptions.GroupMembershipOperation onExit = CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
        try {
            while (running) {
                try {
                    consume();
                } catch (WakeupException e) {
                    // closing
                } catch (FencedInstanceIdException e) {
                    consumerFailures.increment();
                    health.consumerFailed("fenced: another consumer joined the group as " + settings.groupId()
                            + " (two edges with one edge.id?); this edge stopped consuming: give each edge its own edge.id and restart it");
                    LOG.error("edge consumer fenced: another consumer joined as {}; two edges must not share an edge.id. This edge stops "
                            + "consuming (rejoining would fence the other, and both would skip what the other committed)",
                            settings.groupId(), e);
                    sink.consumerStopped();
                    onExit = CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP;
                    break;
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    consumerFailures.increment();
                    health.consumerFailed("consumer failed, rejoining: " + e);
                    LOG.error("edge consumer failed; a new one rejoins from the committed offsets in {} ms", backoffMs, e);
                    closeConsumer(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
                    if (await(backoffMs)) {
                        restore.close();
                        return;
                    }
                    backoffMs = Math.min(MAX_RESTART_BACKOFF_MS, backoffMs * 2);
                    commits.takeFenced(); // met by the consumer just closed
                    consumer = newConsumer();
                    continue;
                }
                break;
            }
            closeConsumer(onExit);
            restore.close();
        } catch (Error e) {
            consumerFailures.increment();
            health.consumerFailed("poll thread died: " + e);
            LOG.error("edge poll thread died", e);
            restore.close();
            try {
                sink.consumerStopped();
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException | Error ignored) {
                // dying anyway
            }
            throw e;
        }
    }

    /** Polls until closed; throws on any failure but a store's (which it retries itself). */
    private void consume() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        c.subscribe(List.of(settings.topic()), new Rebalance(c));
        while (running) {
            health.polled(System.nanoTime());
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = c.poll(restore.busy() ? RESTORE_POLL_TIMEOUT : POLL_TIMEOUT);
            } catch (OffsetOutOfRangeException e) {
                resetOutOfRange(c, e.offsetOutOfRangePartitions());
                continue;
            }
            if (!records.isEmpty()) {
                process(c, records);
            }
            restore.drain(store, clock.millis());
            applyBackPressure(c);
            commits.commitIfDue(c);
            FencedInstanceIdException fenced = commits.takeFenced();
            if (fenced != null) {
                throw fenced;
            }
            updateLags(c);
            if (!records.isEmpty() || !c.assignment().isEmpty()) {
                health.consumerWorking();
            }
        }
    }

    /** Waits up to {@code ms} unless closed meanwhile; returns whether the consumer is closing. */
    private boolean await(long ms) {
        try {
            return stopping.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return true;
        }
    }

    /**
     * Commits what was handed off (if it can) and closes the current Kafka consumer, leaving the
     * group or staying in it as {@code membership} says.
     */
    private void closeConsumer(CloseOptions.GroupMembershipOperation membership) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        try {
            try {
                commits.commitSync(c);
            } catch (WakeupException e) {
                commits.commitSync(c); // the wakeup of close() was still pending; it is spent now
            }
        } catch (RuntimeException e) {
            LOG.warn("offset commit on closing the consumer failed: {}", e.toString());
        }
        try {
            c.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(membership));
        } catch (RuntimeException e) {
            LOG.warn("closing the edge consumer failed: {}", e.toString());
        }
        paused = false;
    }

    private void process(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
        long now = clock.millis();
        List<HandOff> handOff = new ArrayList<>(records.count());
        try (EventStore.Batch batch = store.batch(now)) {
            for (ConsumerRecord<byte[], byte[]> rec : records) {
                batch.processed(rec.partition(), rec.offset() + 1);
                List<HeaderField> headers = headers(rec);
                if (LogControl.isControl(headers)) {
                    control.increment(); // an instruction for the streams service (clear-latest), not an event
                    continue;
                }
                Event event;
                try {
                    event = RecordMapping.event(rec.key(), rec.value(), headers, rec.partition(), rec.offset(), rec.timestamp());
                } catch (MalformedRecordException e) {
                    malformed.increment();
                    LOG.debug("skipping malformed record: {}", e.getMessage());
                    continue;
                }
                byte[] frame = FrameCodec.eventFrame(event, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())));
                switch (batch.admit(event.id(), event.channel(), rec.partition(), rec.offset(), frame)) {
                    case NEW -> handOff.add(new HandOff(event, rec.partition(), rec.offset(), frame));
                    case REREAD -> {
                        rereads.increment();
                        handOff.add(new HandOff(event, rec.partition(), rec.offset(), frame));
                    }
                    case DUPLICATE -> duplicates.increment();
                }
            }
            batch.commit();
        } catch (StoreException e) {
            storeFailed(c, records, e);
            return;
        }
        health.storeWorking();
        for (HandOff h : handOff) {
            // Moved first: a subscriber added while this event is on its way reads a position at or
            // past it, so that if it misses the event, its position says it has nothing to miss.
            nextOffsets.put(h.partition(), h.offset() + 1);
            sink.deliver(h.event().channel(), h.partition(), h.offset(), h.frame());
            commits.handedOff(h.partition(), h.offset() + 1);
            publishToEnqueue.record(Math.max(0, now - h.event().time().toEpochMilli()), TimeUnit.MILLISECONDS);
            delivered.increment();
        }
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> of = records.records(tp);
            ConsumerRecord<byte[], byte[]> last = of.get(of.size() - 1);
            long next = last.offset() + 1;
            lags.consumed(tp.partition(), last.timestamp());
            nextOffsets.put(tp.partition(), next);
            commits.handedOff(tp.partition(), next);
        }
    }

    /**
     * The edge's position in some partitions is outside the log: retention deleted records it had
     * not read yet (it was down or behind for longer than the log keeps them), or the log was
     * truncated. It reads on from the log's start (or end, if it was past it), so that every record
     * still in the log is delivered; the store's coverage of the partition restarts there, so no
     * resume is served across the gap from history; and the subscribers of those partitions are
     * told to reconnect ({@link EventSink#positionLost}), so that they resume and learn what they
     * can no longer get. Logged as an error and counted.
     */
    private void resetOutOfRange(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> fetchOffsets) {
        Map<TopicPartition, Long> begin = c.beginningOffsets(fetchOffsets.keySet(), Duration.ofSeconds(10));
        Map<TopicPartition, Long> end = c.endOffsets(fetchOffsets.keySet(), Duration.ofSeconds(10));
        for (Map.Entry<TopicPartition, Long> out : fetchOffsets.entrySet()) {
            TopicPartition tp = out.getKey();
            long position = out.getValue();
            long to = position < begin.get(tp) ? begin.get(tp) : Math.min(position, end.get(tp));
            LOG.error("edge position {} in partition {} is outside the log [{}, {}): reading on from {}; the records between are gone "
                    + "and its subscribers are told to resume", position, tp.partition(), begin.get(tp), end.get(tp), to);
            offsetResets.increment();
            c.seek(tp, to);
            store.restartCoverage(tp.partition(), to);
            nextOffsets.put(tp.partition(), to);
            commits.handedOff(tp.partition(), to);
            sink.positionLost(tp.partition());
        }
    }

    /** Pauses every assigned partition while the sink is behind, and resumes them once it is not. */
    private void applyBackPressure(KafkaConsumer<byte[], byte[]> c) {
        if (sink.behind()) {
            if (!paused) {
                pauses.increment();
                paused = true;
            }
            c.pause(c.assignment()); // again each time: a partition assigned meanwhile starts unpaused
        } else if (paused) {
            c.resume(c.paused());
            paused = false;
        }
    }

    /**
     * Reads each assigned partition's lag, for {@link PartitionLags}: from the consumer's
     * last fetch, or, while paused (nothing is fetched then), from the log's end offsets, asked at
     * most once per {@link #PAUSED_LAG_INTERVAL_NS}, so that the backlog a pause leaves in Kafka
     * shows.
     */
    private void updateLags(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> assignment = c.assignment();
        if (paused) {
            long now = System.nanoTime();
            if (now - lastPausedLagNanos < PAUSED_LAG_INTERVAL_NS || assignment.isEmpty()) {
                return;
            }
            lastPausedLagNanos = now;
            try {
                c.endOffsets(assignment, Duration.ofSeconds(1)).forEach((tp, end) -> lags.records(tp.partition(), Math.max(0, end - c.position(tp))));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("reading end offsets for the lag while paused timed out");
            }
            return;
        }
        for (TopicPartition tp : assignment) {
            OptionalLong lag = c.currentLag(tp);
            if (lag.isPresent()) {
                lags.records(tp.partition(), lag.getAsLong());
            }
        }
    }

    private void storeFailed(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records, StoreException e) {
        storeFailures.increment();
        health.storeFailing("store failing: " + e.getMessage());
        LOG.warn("edge store write failed; not committing, retrying in {} ms: {}", STORE_RETRY_MS, e.getMessage());
        for (TopicPartition tp : records.partitions()) {
            c.seek(tp, records.records(tp).get(0).offset());
        }
        if (await(STORE_RETRY_MS)) {
            return;
        }
        try {
            store.reopen(); // a failed RocksDB write leaves the database refusing writes until it is reopened
        } catch (StoreException again) {
            LOG.warn("edge store still failing: {}", again.getMessage());
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
        stopping.countDown();
        consumer.wakeup();
        try {
            // every step of the poll thread's way out has a timeout; wait for all of it, since the
            // store is closed after this returns and the thread may still be writing to it
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                LOG.error("the edge poll thread did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the poll thread has ended (after {@link #close}): only then may the store be closed under it. */
    public boolean stopped() {
        return !thread.isAlive();
    }

    /** A new event of a poll, stored and waiting to be handed to the sink. */
    private record HandOff(Event event, int partition, long offset, byte[] frame) {
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        private final KafkaConsumer<byte[], byte[]> consumer;

        Rebalance(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignments.increment();
            // a partition this edge never committed starts at the log end: a new edge delivers from now on
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (committed.get(tp) == null) {
                    fresh.add(tp);
                }
            }
            if (!fresh.isEmpty()) {
                consumer.seekToEnd(fresh);
                // committed at once: a replaced consumer or a rebalance before the first commit must not jump to the end again
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                for (TopicPartition tp : fresh) {
                    start.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
                try {
                    consumer.commitSync(start, Duration.ofSeconds(10));
                } catch (KafkaException e) {
                    LOG.warn("committing the start of new partitions {} failed; the next commit carries it: {}", fresh, e.toString());
                    commits.retryLater();
                }
            }
            for (TopicPartition tp : partitions) {
                long position = consumer.position(tp);
                store.beginPartition(tp.partition(), position);
                nextOffsets.put(tp.partition(), position);
                commits.start(tp.partition(), position);
            }
            if (consumer.assignment().size() == epoch.partitionCount()) {
                health.assigned();
                assigned.countDown();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                lags.forget(tp.partition());
            }
            try {
                commits.commitSync(consumer);
            } catch (KafkaException e) {
                LOG.warn("offset commit on revocation failed: {}", e.toString());
            }
            for (TopicPartition tp : partitions) {
                commits.forget(tp.partition());
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                lags.forget(tp.partition());
                commits.forget(tp.partition());
            }
        }
    }
}
