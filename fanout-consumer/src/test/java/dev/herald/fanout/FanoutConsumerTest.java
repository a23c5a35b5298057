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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.PositionCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
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
    void anEventIdSeenWithinTheWindowIsDeliveredOnce() throws Exception {
        String topic = topic(2);
        List<Delivered> got = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e2", store, got)) {
            send(topic, "c", "1", "same-id");
            send(topic, "c", "1", "same-id");
            send(topic, "c", "2", "other-id");
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 2);
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
        }
        for (int i = 0; i < 10; i++) {
            send(topic, "ch-" + (i % 3), Integer.toString(i), "while-down-" + i);
        }
        List<Delivered> second = new CopyOnWriteArrayList<>();
        try (EventStore store = EventStore.open(storeDir, STORE);
             FanoutConsumer consumer = start(topic, "e3", store, second)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.size() == 10);
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
            assertThat(store.history("room", 0, 5, 100).complete()).isTrue();
            HistoryRead old = store.history("room", 0, 1, 100);
            assertThat(old.complete()).isFalse();
            assertThat(old.frames()).extracting(StoredFrame::offset).containsExactly(6L, 7L, 8L, 9L, 10L);
        }
    }

    private static FanoutConsumer start(String topic, String edgeId, EventStore store, List<Delivered> got) throws Exception {
        FanoutConsumer consumer = new FanoutConsumer(new FanoutSettings(broker.bootstrapServers(), topic, edgeId + "-" + topic, Map.of()),
                store, (channel, partition, offset, frame) -> got.add(new Delivered(channel, partition, offset, parse(frame))),
                new SimpleMeterRegistry(), Clock.systemUTC(), Duration.ofSeconds(30));
        assertThat(consumer.awaitAssignment(Duration.ofSeconds(30))).isTrue();
        return consumer;
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
