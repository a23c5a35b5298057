package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeWebSocketTest {

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all", "enable.idempotence", "true"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.stop();
    }

    @Test
    void aLiveSubscriberGetsSubscribedFirstThenEveryEventInOrder() throws Exception {
        String topic = topic();
        try (EdgeServer edge = edge(topic, Map.of()); WsClient ws = WsClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"ref\":7}");
            JsonNode subscribed = ws.next();
            assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
            assertThat(subscribed.get("ref").asInt()).isEqualTo(7);
            assertThat(subscribed.get("recovered").asBoolean()).isTrue();
            assertThat(PositionCodec.decode(subscribed.get("position").asText()).epoch()).isEqualTo(edge.epoch());

            for (int i = 0; i < 50; i++) {
                publish(topic, "room", "{\"n\":" + i + "}");
                publish(topic, "other", "{\"n\":" + i + "}");
            }
            List<JsonNode> events = ws.next(50);
            assertThat(events).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(range(0, 50));
            assertThat(events).allSatisfy(e -> assertThat(e.get("channel").asText()).isEqualTo("room"));
            assertThat(ws.poll(300)).isNull();
        }
    }

    @Test
    void aResumeFromAPositionDeliversExactlyWhatWasMissedThenLiveEvents() throws Exception {
        String topic = topic();
        try (EdgeServer edge = edge(topic, Map.of())) {
            String lastSeen;
            try (WsClient first = WsClient.connect(edge.webSocketUrl())) {
                first.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
                first.next();
                for (int i = 0; i < 5; i++) {
                    publish(topic, "room", "{\"n\":" + i + "}");
                }
                lastSeen = first.next(5).get(4).get("position").asText();
            }
            for (int i = 5; i < 12; i++) {
                publish(topic, "room", "{\"n\":" + i + "}");
            }
            try (WsClient again = WsClient.connect(edge.webSocketUrl())) {
                again.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + lastSeen + "\"}");
                JsonNode subscribed = again.next();
                assertThat(subscribed.get("recovered").asBoolean()).isTrue();
                List<JsonNode> missed = again.next(7);
                publish(topic, "room", "{\"n\":12}");
                JsonNode live = again.next();
                assertThat(missed).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(range(5, 12));
                assertThat(live.at("/data/n").asInt()).isEqualTo(12);
                assertThat(again.poll(300)).isNull();
            }
        }
    }

    @Test
    void aResumeFromBeforeTheEdgeStartedIsServedFromKafka() throws Exception {
        String topic = topic();
        String before = publish(topic, "room", "{\"n\":0}");
        for (int i = 1; i < 4; i++) {
            publish(topic, "room", "{\"n\":" + i + "}");
        }
        try (EdgeServer edge = edge(topic, Map.of()); WsClient ws = WsClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + before + "\"}");
            assertThat(ws.next().get("recovered").asBoolean()).isTrue();
            assertThat(ws.next(3)).extracting(e -> e.at("/data/n").asInt()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aPositionOlderThanRetentionOrFromAnotherEpochIsReportedNotSkippedAndGarbageGetsAnError() throws Exception {
        String topic = topic();
        String old = publish(topic, "room", "{\"n\":0}");
        publish(topic, "room", "{\"n\":1}");
        String last = publish(topic, "room", "{\"n\":2}");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, PositionCodec.decode(last).partition()),
                    RecordsToDelete.beforeOffset(PositionCodec.decode(last).offset()))).all().get();
        }
        try (EdgeServer edge = edge(topic, Map.of()); WsClient ws = WsClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + old + "\"}");
            JsonNode expired = ws.next();
            assertThat(expired.get("recovered").asBoolean()).isFalse();
            assertThat(expired.get("reason").asText()).isEqualTo("offset-out-of-range");

            Position foreign = new Position(new Epoch(UUID.randomUUID(), 1), 0, 5);
            ws.send("{\"op\":\"subscribe\",\"channel\":\"other\",\"since\":\"" + PositionCodec.encode(foreign) + "\"}");
            JsonNode mismatch = ws.next();
            assertThat(mismatch.get("recovered").asBoolean()).isFalse();
            assertThat(mismatch.get("reason").asText()).isEqualTo("epoch-mismatch");

            ws.send("{\"op\":\"subscribe\",\"channel\":\"third\",\"since\":\"not-a-position\",\"ref\":\"r1\"}");
            JsonNode error = ws.next();
            assertThat(error.get("op").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid-position");
            assertThat(error.get("ref").asText()).isEqualTo("r1");

            ws.send("this is not json");
            assertThat(ws.next().get("code").asText()).isEqualTo("invalid-frame");

            publish(topic, "room", "{\"n\":3}");
            assertThat(ws.next().at("/data/n").asInt()).as("the connection stays usable").isEqualTo(3);
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedWith4008AndOthersAreUnaffected() throws Exception {
        String topic = topic();
        try (EdgeServer edge = edge(topic, Map.of());
             WsClient stalled = WsClient.connectNotReading(edge.webSocketUrl());
             WsClient healthy = WsClient.connect(edge.webSocketUrl())) {
            stalled.send("{\"op\":\"subscribe\",\"channel\":\"flood\"}");
            healthy.send("{\"op\":\"subscribe\",\"channel\":\"flood\"}");
            healthy.next();
            String payload = "{\"pad\":\"" + "x".repeat(1000) + "\",\"n\":%d}";
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
            while (edge.registry().get("herald.edge.slow.consumer.closes").counter().count() < 1
                    && sent < 40_000 && System.nanoTime() < deadline) {
                acks.add(producer.send(record(topic, "flood", String.format(payload, sent))));
                sent++;
                if (sent % 100 == 0) {
                    Thread.sleep(20); // about 5,000 events/s: a reading client keeps up, a stalled one cannot
                }
            }
            for (var a : acks) {
                a.get();
            }
            stalled.resumeReading();
            assertThat(stalled.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(4008);
            List<JsonNode> all = healthy.next(sent);
            assertThat(all).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(range(0, sent));
            assertThat(healthy.closeCode()).isNotDone();
            assertThat(edge.registry().scrape()).contains("herald_edge_slow_consumer_closes_total 1.0");
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    private static EdgeServer edge(String topic, Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "topic", topic,
                "http.port", "0", "edge.id", "e-" + UUID.randomUUID(), "data.dir", dir.resolve("edge-" + UUID.randomUUID()).toString()));
        config.putAll(extra);
        return EdgeServer.start(new EdgeConfig(config));
    }

    private static String topic() throws Exception {
        String name = "log-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get();
        }
        return name;
    }

    /** Publishes as ingest would (CloudEvents headers) and returns the event's position. */
    private static String publish(String topic, String channel, String json) throws Exception {
        RecordMetadata meta = producer.send(record(topic, channel, json)).get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Epoch epoch = new Epoch(new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()), d.partitions().size());
            return PositionCodec.encode(new Position(epoch, meta.partition(), meta.offset()));
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String channel, String json) {
        Event e = new Event(UUID.randomUUID().toString(), channel, Event.DEFAULT_TYPE, "test", Instant.now(), "application/json",
                json.getBytes(StandardCharsets.UTF_8));
        List<Header> headers = new ArrayList<>();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        return new ProducerRecord<>(topic, null, RecordMapping.key(e), e.payload(), headers);
    }
}
