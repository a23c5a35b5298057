package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EdgeWebSocketTest extends LogBackedTest {

    @Test
    void aLiveSubscriberGetsSubscribedFirstThenEveryEventInOrder() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"ref\":7}");
            JsonNode subscribed = ws.next();
            assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
            assertThat(subscribed.get("ref").asInt()).isEqualTo(7);
            assertThat(subscribed.get("recovered").asBoolean()).isTrue();
            assertThat(PositionCodec.decode(subscribed.get("position").asText()).epoch()).isEqualTo(edge.epoch());

            for (int i = 0; i < 50; i++) {
                log.publish(topic, "room", "{\"n\":" + i + "}");
                log.publish(topic, "other", "{\"n\":" + i + "}");
            }
            List<JsonNode> events = ws.next(50);
            assertThat(events).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(0, 50));
            assertThat(events).allSatisfy(e -> assertThat(e.get("channel").asText()).isEqualTo("room"));
            assertThat(ws.poll(300)).isNull();
        }
    }

    @Test
    void aResumeFromAPositionDeliversExactlyWhatWasMissedThenLiveEvents() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            String lastSeen;
            try (WsTestClient first = WsTestClient.connect(edge.webSocketUrl())) {
                first.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
                first.next();
                for (int i = 0; i < 5; i++) {
                    log.publish(topic, "room", "{\"n\":" + i + "}");
                }
                lastSeen = first.next(5).get(4).get("position").asText();
            }
            for (int i = 5; i < 12; i++) {
                log.publish(topic, "room", "{\"n\":" + i + "}");
            }
            try (WsTestClient again = WsTestClient.connect(edge.webSocketUrl())) {
                again.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + lastSeen + "\"}");
                JsonNode subscribed = again.next();
                assertThat(subscribed.get("recovered").asBoolean()).isTrue();
                List<JsonNode> missed = again.next(7);
                log.publish(topic, "room", "{\"n\":12}");
                JsonNode live = again.next();
                assertThat(missed).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(5, 12));
                assertThat(live.at("/data/n").asInt()).isEqualTo(12);
                assertThat(again.poll(300)).isNull();
            }
        }
    }

    @Test
    void aResumeFromBeforeTheEdgeStartedIsServedFromKafka() throws Exception {
        String topic = log.topic();
        String before = log.publish(topic, "room", "{\"n\":0}");
        for (int i = 1; i < 4; i++) {
            log.publish(topic, "room", "{\"n\":" + i + "}");
        }
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + before + "\"}");
            assertThat(ws.next().get("recovered").asBoolean()).isTrue();
            assertThat(ws.next(3)).extracting(e -> e.at("/data/n").asInt()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aPositionOlderThanRetentionOrFromAnotherEpochIsReportedNotSkippedAndGarbageGetsAnError() throws Exception {
        String topic = log.topic();
        String old = log.publish(topic, "room", "{\"n\":0}");
        log.publish(topic, "room", "{\"n\":1}");
        String last = log.publish(topic, "room", "{\"n\":2}");
        {
            Admin admin = log.admin();
            admin.deleteRecords(Map.of(new TopicPartition(topic, PositionCodec.decode(last).partition()),
                    RecordsToDelete.beforeOffset(PositionCodec.decode(last).offset()))).all().get();
        }
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
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

            ws.send("{\"op\":\"subscribe\",\"channel\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(ws.next().get("code").asText()).as("over ws.max.frame.bytes").isEqualTo("frame-too-large");

            log.publish(topic, "room", "{\"n\":3}");
            assertThat(ws.next().at("/data/n").asInt()).as("the connection stays usable").isEqualTo(3);
        }
    }

    @Test
    void aQuietButLiveClientIsKeptByPingsAndOneThatStopsAnsweringIsDropped() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("ws.ping.interval.ms", "200", "ws.idle.timeout.ms", "1000"));
             WsTestClient live = WsTestClient.connect(edge.webSocketUrl());
             WsTestClient deaf = WsTestClient.connectNotReading(edge.webSocketUrl())) {
            live.send("{\"op\":\"subscribe\",\"channel\":\"quiet\"}");
            deaf.send("{\"op\":\"subscribe\",\"channel\":\"quiet\"}");
            live.next();
            // The deaf client read one frame and reads nothing more, so it never sees a ping to answer.
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.connections() == 1);
            assertThat(edge.registry().get("herald.edge.idle.closes").counter().count()).isEqualTo(1.0);
            assertThat(live.poll(1_500)).as("three idle timeouts of silence, answered pings only").isNull();
            assertThat(live.closeCode()).isNotDone();
            log.publish(topic, "quiet", "{\"n\":1}");
            assertThat(live.next().at("/data/n").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedWith4008AndOthersAreUnaffected() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of());
             WsTestClient stalled = WsTestClient.connectNotReading(edge.webSocketUrl());
             WsTestClient healthy = WsTestClient.connect(edge.webSocketUrl())) {
            stalled.send("{\"op\":\"subscribe\",\"channel\":\"flood\"}");
            healthy.send("{\"op\":\"subscribe\",\"channel\":\"flood\"}");
            healthy.next();
            String payload = "{\"pad\":\"" + "x".repeat(1000) + "\",\"n\":%d}";
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
            while (edge.registry().get("herald.edge.slow.consumer.closes").counter().count() < 1
                    && sent < 40_000 && System.nanoTime() < deadline) {
                acks.add(log.producer().send(LogFixture.record(topic, "flood", String.format(payload, sent))));
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
            assertThat(all).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(0, sent));
            assertThat(healthy.closeCode()).isNotDone();
            assertThat(edge.registry().scrape()).contains("herald_edge_slow_consumer_closes_total 1.0");

            // What the closed subscriber got is a gap-free prefix; resuming from its last position delivers the rest.
            List<JsonNode> got = stalled.drained();
            assertThat(got.get(0).get("op").asText()).isEqualTo("subscribed");
            List<Integer> prefix = got.subList(1, got.size()).stream().map(e -> e.at("/data/n").asInt()).toList();
            assertThat(prefix).containsExactlyElementsOf(LogFixture.range(0, prefix.size()));
            String last = got.get(got.size() - 1).get("position").asText();
            try (WsTestClient again = WsTestClient.connect(edge.webSocketUrl())) {
                again.send("{\"op\":\"subscribe\",\"channel\":\"flood\",\"since\":\"" + last + "\"}");
                assertThat(again.next().get("recovered").asBoolean()).isTrue();
                assertThat(again.next(sent - prefix.size())).extracting(e -> e.at("/data/n").asInt())
                        .containsExactlyElementsOf(LogFixture.range(prefix.size(), sent));
                assertThat(again.poll(300)).isNull();
            }
        }
    }
}
