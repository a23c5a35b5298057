package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.LogControl;
import dev.herald.schemas.PositionCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FanoutConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StoreSettings STORE = new StoreSettings(60_000, 64L << 20, 5);

    @TempDir
    static Path brokerDir;
    static EmbeddedKafkaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;

    @TempDir
    Path storeDir;

    record Delivered(String channel, int partition, long offset, JsonNode frame) {
    }

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder(brokerDir).build().start();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.stop();
    }

    @Test
    void recordsOfAnyProducerAreDeliveredInOrderAndAMalformedOneDoesNotStopItsPartition() throws Exception {
        String topic = topic(1);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e1", store, got)) {
            send(topic, "plain", "1", null);
            send(topic, null, "no key", null);
            send(topic, "bad channel!", "bad key", null);
            send(topic, "cloud", "{\"x\":2}", "id-2");
            send(topic, "plain", "3", null);

            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 3);
            assertThat(got).extracting(Delivered::channel).containsExactly("plain", "cloud", "plain");
            assertThat(got.get(0).frame().get("id").asText()).isEqualTo("kafka-0-0");
            assertThat(got.get(0).frame().get("data").asInt()).isEqualTo(1);
            assertThat(got.get(1).frame().get("id").asText()).isEqualTo("id-2");
            assertThat(got.get(1).frame().at("/data/x").asInt()).isEqualTo(2);
            assertThat(PositionCodec.decode(got.get(2).frame().get("position").asText()).offset()).isEqualTo(4);
            assertThat(consumer.epoch().partitionCount()).isEqualTo(1);
        }
    }

    @Test
    void aControlRecordIsCountedAndSkippedAndTheNextEventKeepsItsOwnPosition() throws Exception {
        String topic = topic(1);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e9", store, (channel, partition, offset, frame) -> got.add(
                     new Delivered(channel, partition, offset, parse(frame))), registry, Map.of())) {
            send(topic, "state", "1", "id-1");
            HeaderField clear = LogControl.CLEAR_LATEST.header();
            producer.send(new ProducerRecord<>(topic, null, "state".getBytes(StandardCharsets.UTF_8), new byte[0],
                    List.of(new RecordHeader(clear.key(), clear.value())))).get();
            send(topic, "state", "2", "id-2");

            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 2);
            assertThat(got).extracting(d -> d.frame().get("data").asInt()).containsExactly(1, 2);
            assertThat(got).extracting(Delivered::offset).containsExactly(0L, 2L);
            assertThat(registry.get("herald.edge.consumed").tag("result", "control").counter().count()).isEqualTo(1);
            assertThat(registry.get("herald.edge.consumed").tag("result", "malformed").counter().count()).isZero();
        }
    }

    @Test
    void anEventIdSeenWithinTheWindowIsDeliveredOnce() throws Exception {
        String topic = topic(2);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e2", store, got)) {
            send(topic, "c", "1", "same-id");
            send(topic, "c", "1", "same-id");
            send(topic, "c", "2", "other-id");
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 2);
            assertThat(consumer.isReady()).isTrue();
            assertThat(got).extracting(d -> d.frame().get("id").asText()).containsExactly("same-id", "other-id");
        }
    }

    @Test
    void aRestartedEdgeContinuesFromItsCommittedOffsetsWithoutRepeats() throws Exception {
        String topic = topic(3);
        List<Delivered> first = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e3", store, first)) {
            for (int i = 0; i < 10; i++) {
                send(topic, "ch-" + (i % 3), Integer.toString(i), "before-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 10);
            assertThat(consumer.isReady()).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            send(topic, "ch-" + (i % 3), Integer.toString(i), "while-down-" + i);
        }
        List<Delivered> second = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e3", store, second)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.size() == 10);
            assertThat(consumer.isReady()).isTrue();
            assertThat(second).extracting(d -> d.frame().get("id").asText()).allMatch(id -> id.startsWith("while-down-"));
        }
    }

    @Test
    void historyServesAResumeUntilItIsTrimmedThenSaysItIsIncomplete() throws Exception {
        String topic = topic(1);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e4", store, got)) {
            for (int i = 0; i < 8; i++) {
                send(topic, "room", Integer.toString(i), null);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 8);
            assertThat(consumer.isReady()).isTrue();

            HistoryRead recent = store.history("room", 0, 4, 100);
            assertThat(recent.complete()).isTrue();
            assertThat(recent.frames()).extracting(StoredFrame::offset).containsExactly(5L, 6L, 7L);
            assertThat(new String(recent.frames().get(0).frame(), StandardCharsets.UTF_8)).contains("\"data\":5");

            HistoryRead old = store.history("room", 0, 1, 100);
            assertThat(old.complete()).as("offsets 0..2 were trimmed (5 kept per channel)").isFalse();
            assertThat(old.frames()).extracting(StoredFrame::offset).containsExactly(3L, 4L, 5L, 6L, 7L);

            assertThat(store.history("other", 0, 1, 100).complete()).isTrue();
            assertThat(store.history("room", 0, -1, 100).complete()).as("before coverage began").isFalse();
        }

        // reopened, the store goes on trimming from where it stopped
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e4", store, got)) {
            for (int i = 8; i < 11; i++) {
                send(topic, "room", Integer.toString(i), null);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 11);
            assertThat(consumer.isReady()).isTrue();
            assertThat(store.history("room", 0, 5, 100).complete()).isTrue();
            HistoryRead old = store.history("room", 0, 1, 100);
            assertThat(old.complete()).isFalse();
            assertThat(old.frames()).extracting(StoredFrame::offset).containsExactly(6L, 7L, 8L, 9L, 10L);
        }
    }

    private static FanoutConsumer start(String topic, String edgeId, EventStore store, List<Delivered> got) throws Exception {
        return start(topic, edgeId, store, (channel, partition, offset, frame) -> got.add(new Delivered(channel, partition, offset,
                parse(frame))), new SimpleMeterRegistry(), Map.of());
    }

    private static FanoutConsumer start(String topic, String edgeId, EventStore store, EventSink sink, MeterRegistry registry,
                                        Map<String, Object> kafka) throws Exception {
        FanoutConsumer consumer = new FanoutConsumer(new FanoutSettings(broker.bootstrapServers(), topic, edgeId + "-" + topic, kafka),
                store, sink, registry, Clock.systemUTC(), Duration.ofSeconds(30));
        assertThat(consumer.awaitAssignment(Duration.ofSeconds(30))).isTrue();
        return consumer;
    }

    /** A sink that records what it gets, can throw once for an event, and says it is behind while told to. */
    private static final class TestSink implements EventSink {
        final List<Delivered> got = new CopyOnWriteArrayList<>();
        final AtomicBoolean behind = new AtomicBoolean();
        volatile String throwOnceFor;
        volatile boolean behindAfterFirst;

        @Override
        public void deliver(String channel, int partition, long offset, byte[] frame) {
            JsonNode parsed = parse(frame);
            if (parsed.path("data").asText().equals(throwOnceFor)) {
                throwOnceFor = null;
                throw new IllegalStateException("a bug while handing " + parsed.path("data").asText() + " off");
            }
            got.add(new Delivered(channel, partition, offset, parsed));
            if (behindAfterFirst) {
                behind.set(true);
            }
        }

        @Override
        public boolean behind() {
            return behind.get();
        }

        List<String> data() {
            return got.stream().map(d -> d.frame().path("data").asText()).toList();
        }
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }

    /**
     * Regression: an exception anywhere but the store (here the sink's) ended the poll thread for
     * good while the edge still said ready; nothing more was delivered.
     */
    @Test
    void aPollLoopFailureIsCountedTurnsTheEdgeNotReadyAndANewConsumerHandsTheEventOffAgain() throws Exception {
        String topic = topic(1);
        TestSink sink = new TestSink();
        sink.throwOnceFor = "2";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e5", store, sink, registry, Map.of())) {
            send(topic, "c", "1", "id-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() == 1);
            send(topic, "c", "2", "id-2");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(registry, "herald.edge.consumer.failures") == 1);
            assertThat(consumer.notReadyReason()).contains("consumer failed").contains("a bug while handing 2 off");
            send(topic, "c", "3", "id-3");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() >= 3);
            assertThat(sink.data()).containsExactly("1", "2", "3");
            assertThat(registry.get("herald.edge.consumed").tag("result", "reread").counter().count())
                    .as("read again from the committed offset, found stored, handed off again").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(consumer::isReady);
        }
    }

    /**
     * Regression: while the connections were behind, the poll thread waited inside the hand-off, so
     * it stopped polling, heartbeating and reporting lag, and a wait past max.poll.interval.ms cost
     * the edge its partitions (a rebalance). Now the partitions are paused and the loop goes on.
     */
    @Test
    void aSinkThatIsBehindPausesTheLogPastMaxPollIntervalWithoutARebalanceThenCatchesUpInOrder() throws Exception {
        String topic = topic(1);
        TestSink sink = new TestSink();
        sink.behindAfterFirst = true;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e6", store, sink, registry, Map.of("max.poll.interval.ms", 1_500))) {
            send(topic, "c", "0", "id-0");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.behind.get());
            sink.behindAfterFirst = false;
            for (int i = 1; i <= 20; i++) {
                send(topic, "c", Integer.toString(i), "id-" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("herald.edge.consumer.paused").gauge().value() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("herald.edge.consumer.lag").tag("partition", "0").gauge().value() == 20);
            // paused for twice max.poll.interval.ms: nothing handed off, and the group keeps its member
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sink.got.size() == 1);
            assertThat(consumer.isReady()).isTrue();

            sink.behind.set(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() == 21);
            assertThat(sink.data()).containsExactlyElementsOf(IntStream.rangeClosed(0, 20).mapToObj(Integer::toString).toList());
            assertThat(count(registry, "herald.edge.consumer.assignments")).as("no rebalance").isEqualTo(1);
            assertThat(count(registry, "herald.edge.consumer.pauses")).isEqualTo(1);
            assertThat(registry.get("herald.edge.consumer.paused").gauge().value()).isZero();
        }
    }

    /**
     * Another consumer joining under this edge's static instance id fences it: two edges with one
     * edge.id, a misconfiguration. Rejoining would fence the other in turn, and each would skip
     * what the other committed, so the edge stops consuming, counts it and says why it is not ready.
     */
    @Test
    void aConsumerFencedByAnotherUnderItsIdStopsAndSaysWhyItIsNotReady() throws Exception {
        String topic = topic(1);
        TestSink sink = new TestSink();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String edgeId = "e7";
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, edgeId, store, sink, registry, Map.of())) {
            send(topic, "c", "1", "id-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() == 1);
            String group = new FanoutSettings(broker.bootstrapServers(), topic, edgeId + "-" + topic, Map.of()).groupId();
            try (KafkaConsumer<byte[], byte[]> intruder = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "group.id", group, "group.instance.id", group, "enable.auto.commit", false, "auto.offset.reset", "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                intruder.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    intruder.poll(Duration.ofMillis(100));
                    return count(registry, "herald.edge.consumer.failures") == 1;
                });
                assertThat(consumer.notReadyReason()).contains("fenced").contains(group);
                send(topic, "c", "2", "id-2");
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
                    intruder.poll(Duration.ofMillis(100));
                    return sink.got.size() == 1 && !consumer.isReady();
                });
            }
        }
    }

    /**
     * Regression: the consumer reset a position that retention had passed to the log's end
     * (auto.offset.reset=latest), silently skipping records still in the log. Now it reads on from
     * the log start, restarts the store's coverage there and tells the partition's subscribers.
     */
    @Test
    void anEdgeWhosePositionRetentionPassedReadsOnFromTheLogStartAndTellsItsSubscribers() throws Exception {
        String topic = topic(1);
        TestSink sink = new TestSink();
        List<Integer> lost = new CopyOnWriteArrayList<>();
        EventSink telling = new EventSink() {
            @Override
            public void deliver(String channel, int partition, long offset, byte[] frame) {
                sink.deliver(channel, partition, offset, frame);
            }

            @Override
            public void positionLost(int partition) {
                lost.add(partition);
            }
        };
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e8", store, telling, new SimpleMeterRegistry(), Map.of())) {
            for (int i = 0; i < 5; i++) {
                send(topic, "c", Integer.toString(i), "id-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() == 5);
        }
        for (int i = 5; i < 20; i++) {
            send(topic, "c", Integer.toString(i), "id-" + i);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // what retention would do: the log now starts at 12, past the edge's committed 5
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(12))).all().get();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e8", store, telling, registry, Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.got.size() == 13);
            assertThat(sink.data().subList(5, 13)).containsExactlyElementsOf(IntStream.range(12, 20).mapToObj(Integer::toString).toList());
            assertThat(lost).containsExactly(0);
            assertThat(count(registry, "herald.edge.consumer.offset.resets")).isEqualTo(1);
            assertThat(store.history("quiet", 0, 11, 100).complete()).as("coverage restarts at the log start").isTrue();
            assertThat(store.history("quiet", 0, 10, 100).complete()).as("nothing is served across the gap").isFalse();
            assertThat(consumer.isReady()).isTrue();
        }
    }

    /**
     * A new edge commits its starting point (the log end) as soon as it is assigned: with
     * {@code auto.offset.reset=none}, an edge that crashed or whose consumer was replaced before
     * its first commit would otherwise start at the log end again, skipping what was published in
     * between. Stopped and started again, it misses nothing.
     */
    @Test
    void aNewEdgeCommitsItsStartAtOnceAndAfterARestartMissesNothingPublishedInBetween() throws Exception {
        String topic = topic(2);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        String group = new FanoutSettings(broker.bootstrapServers(), topic, "e9-" + topic, Map.of()).groupId();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e9", store, got);
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(consumer.isReady()).isTrue();
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
                    .as("committed before any event was handed off").containsOnlyKeys(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        }
        for (int i = 0; i < 3; i++) {
            send(topic, "ch-" + i, Integer.toString(i), "id-" + i);
        }
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e9", store, got)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 3);
            assertThat(got).extracting(d -> d.frame().get("id").asText()).containsExactlyInAnyOrder("id-0", "id-1", "id-2");
            assertThat(consumer.isReady()).isTrue();
        }
    }

    @Test
    void commitsFailingForTenSecondsMakeTheConsumerNotReadyUntilOneSucceeds() {
        ConsumerHealth health = new ConsumerHealth();
        health.assigned();
        long t = 1_000_000_000L;
        health.commitFailed("CoordinatorNotAvailableException", t);
        assertThat(health.notReadyReason(t + ConsumerHealth.COMMIT_FAILING_NOT_READY_NS)).isNull();
        health.commitFailed("CoordinatorNotAvailableException", t + 5_000_000_000L);
        assertThat(health.notReadyReason(t + ConsumerHealth.COMMIT_FAILING_NOT_READY_NS + 1))
                .startsWith("offset commits failing for 10 s").endsWith("CoordinatorNotAvailableException");
        health.commitSucceeded();
        assertThat(health.notReadyReason(t + 60_000_000_000L)).isNull();
    }

    private static JsonNode parse(byte[] frame) {
        try {
            return JSON.readTree(frame);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String topic(int partitions) throws Exception {
        String name = "log-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
        return name;
    }

    private static void send(String topic, String key, String value, String ceId) throws Exception {
        List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
        if (ceId != null) {
            headers.add(new RecordHeader("ce_id", ceId.getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader("content-type", "application/json".getBytes(StandardCharsets.UTF_8)));
        }
        producer.send(new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers)).get();
    }
}
