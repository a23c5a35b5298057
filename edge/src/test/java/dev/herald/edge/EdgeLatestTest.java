package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import dev.herald.testkit.SseTestClient;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The edge's side of the latest values: {@code "last":true} and {@code GET .../latest} against a
 * real broker, with the compacted topic written here as the streams service writes it (the
 * retained event and its log position, a tombstone to clear), so that what the edge does with
 * each state of it is set exactly.
 */
class EdgeLatestTest extends LogBackedTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A new compacted topic of latest values with the log's 3 partitions. */
    private static String latestTopic() throws Exception {
        String name = "latest-" + UUID.randomUUID();
        log.admin().createTopics(List.of(new NewTopic(name, 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        return name;
    }

    /** Publishes {@code json} to {@code channel} as ingest would; the event and its position. */
    private static RetainedEvent publish(String topic, String channel, String json) throws Exception {
        Event e = LogFixture.event(channel, json);
        RecordMetadata meta = log.producer().send(LogFixture.record(topic, e)).get();
        return new RetainedEvent(e, new Position(log.epoch(topic), meta.partition(), meta.offset()));
    }

    /** Writes {@code value} as its channel's latest value, as the streams service does. */
    private static void retain(String latest, RetainedEvent value) throws Exception {
        log.producer().send(new ProducerRecord<>(latest, value.event().channel().getBytes(StandardCharsets.UTF_8),
                RetainedEventCodec.encode(value))).get();
    }

    /** Writes a tombstone for {@code channel}: its latest value is cleared. */
    private static void clear(String latest, String channel) throws Exception {
        log.producer().send(new ProducerRecord<>(latest, channel.getBytes(StandardCharsets.UTF_8), null)).get();
    }

    private static EdgeServer edge(String topic, String latest) {
        return log.edge(topic, Map.of("latest.topic", latest, "latest.wait.ms", "20000"));
    }

    private static HttpResponse<String> getLatest(EdgeServer edge, String channel) {
        return HttpTestClient.get(edge.baseUrl() + "/v1/channels/" + channel + "/latest");
    }

    /** Waits until the edge's copy of the latest values has {@code value} for {@code channel}. */
    private static void awaitLatest(EdgeServer edge, String channel, RetainedEvent value) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = getLatest(edge, channel);
            return r.statusCode() == 200 && Json.parse(r.body()).get("id").asText().equals(value.event().id());
        });
    }

    @Test
    void lastTrueSendsTheRetainedEventFirstThenTheEventsAfterItThenLiveOnesWithoutRepeats() throws Exception {
        String topic = log.topic();
        String latest = latestTopic();
        try (EdgeServer edge = edge(topic, latest); WsTestClient watcher = WsTestClient.connect(edge.webSocketUrl())) {
            watcher.send("{\"op\":\"subscribe\",\"channel\":\"car\"}");
            watcher.next();
            publish(topic, "car", "{\"km\":1}");
            RetainedEvent second = publish(topic, "car", "{\"km\":2}");
            publish(topic, "car", "{\"km\":3}");
            assertThat(watcher.next(3)).as("the edge has handed on all three").hasSize(3);
            retain(latest, second); // the streams service is one event behind the edge
            awaitLatest(edge, "car", second);

            try (WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"car\",\"last\":true,\"ref\":1}");
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
                assertThat(subscribed.get("retained").asBoolean()).isTrue();
                assertThat(subscribed.get("recovered").asBoolean()).isTrue();
                JsonNode retained = ws.next();
                assertThat(retained.get("retained").asBoolean()).isTrue();
                assertThat(retained.get("id").asText()).isEqualTo(second.event().id());
                assertThat(retained.get("position").asText()).isEqualTo(PositionCodec.encode(second.position()));
                JsonNode third = ws.next();
                assertThat(third.at("/data/km").asInt()).isEqualTo(3);
                assertThat(third.has("retained")).isFalse();

                publish(topic, "car", "{\"km\":4}");
                assertThat(ws.next().at("/data/km").asInt()).isEqualTo(4);
                assertThat(ws.poll(300)).as("nothing twice, nothing older than the retained event").isNull();
            }

            // a resume position wins over last: a reconnect gets what came after its position, not the latest value again
            try (WsTestClient again = WsTestClient.connect(edge.webSocketUrl())) {
                again.send("{\"op\":\"subscribe\",\"channel\":\"car\",\"last\":true,\"since\":\"" + PositionCodec.encode(second.position()) + "\"}");
                JsonNode subscribed = again.next();
                assertThat(subscribed.has("retained")).isFalse();
                assertThat(again.next(2)).extracting(e -> e.at("/data/km").asInt()).containsExactly(3, 4);
                assertThat(again.poll(300)).isNull();
            }
        }
    }

    @Test
    void aRetainedEventNewerThanTheEdgeHasHandedOnSkipsTheOlderLiveEvents() throws Exception {
        String topic = log.topic();
        String latest = latestTopic();
        try (EdgeServer edge = edge(topic, latest); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            // the log has an event the edge has not seen yet when the subscribe is answered: retained before it arrives live
            Event e = LogFixture.event("bus", "{\"stop\":7}");
            int partition = FanoutConsumer.partitionOf("bus", 3);
            long next = log.admin().listOffsets(Map.of(new TopicPartition(topic, partition), OffsetSpec.latest())).all().get()
                    .values().iterator().next().offset();
            RetainedEvent ahead = new RetainedEvent(e, new Position(log.epoch(topic), partition, next));
            retain(latest, ahead);
            awaitLatest(edge, "bus", ahead);
            ws.send("{\"op\":\"subscribe\",\"channel\":\"bus\",\"last\":true}");
            assertThat(ws.next().get("retained").asBoolean()).isTrue();
            assertThat(ws.next().get("id").asText()).isEqualTo(e.id());
            log.producer().send(LogFixture.record(topic, e)).get(); // now it reaches the edge live: not sent again
            publish(topic, "bus", "{\"stop\":8}");
            assertThat(ws.next().at("/data/stop").asInt()).isEqualTo(8);
            assertThat(ws.poll(300)).isNull();
        }
    }

    @Test
    void getLatestAnswersTheRetainedFrameUntilATombstoneThen404AndLastTrueSaysNone() throws Exception {
        String topic = log.topic();
        String latest = latestTopic();
        try (EdgeServer edge = edge(topic, latest)) {
            RetainedEvent value = publish(topic, "price", "{\"eur\":12}");
            retain(latest, value);
            awaitLatest(edge, "price", value);
            HttpResponse<String> found = getLatest(edge, "price");
            assertThat(found.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(found.body()).isEqualTo(new String(FrameCodec.retainedFrame(value.event(), PositionCodec.encode(value.position())),
                    StandardCharsets.UTF_8));

            clear(latest, "price");
            await().atMost(Duration.ofSeconds(30)).until(() -> getLatest(edge, "price").statusCode() == 404);
            JsonNode problem = Json.parse(getLatest(edge, "price").body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:herald:problem:no-latest-value");
            assertThat(problem.get("detail").asText()).contains("price");

            try (WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"price\",\"last\":true}");
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("retained").asBoolean()).isFalse();
                assertThat(subscribed.get("retained_reason").asText()).isEqualTo("none");
                publish(topic, "price", "{\"eur\":13}");
                JsonNode live = ws.next();
                assertThat(live.at("/data/eur").asInt()).isEqualTo(13);
                assertThat(live.has("retained")).isFalse();
            }
            assertThat(getLatest(edge, "bad..name").statusCode()).isEqualTo(400);
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(edge.baseUrl() + "/v1/channels/price/latest"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(edge.registry().scrape()).contains("herald_edge_retained_total{result=\"none\"} 1.0");
        }
    }

    @Test
    void sseLastTrueSendsTheRetainedEventWithItsPositionAsTheStreamsId() throws Exception {
        String topic = log.topic();
        String latest = latestTopic();
        try (EdgeServer edge = edge(topic, latest)) {
            RetainedEvent value = publish(topic, "doc", "{\"v\":5}");
            retain(latest, value);
            awaitLatest(edge, "doc", value);
            try (SseTestClient sse = SseTestClient.connect(edge.baseUrl() + "/v1/sse?channel=doc&last=true", null)) {
                assertThat(sse.next().json().get("retained").asBoolean()).isTrue();
                SseTestClient.SseEvent retained = sse.next();
                assertThat(retained.json().get("retained").asBoolean()).isTrue();
                assertThat(retained.json().get("id").asText()).isEqualTo(value.event().id());
                assertThat(retained.lastEventId()).isEqualTo(PositionCodec.encode(value.position()));
            }
        }
    }

    @Test
    void withoutTheLatestTopicLastTrueSaysUnavailableAndTheSubscriptionGoesOnLive() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("latest.topic", "no-such-" + UUID.randomUUID(), "latest.wait.ms", "500"));
             WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"last\":true}");
            JsonNode subscribed = ws.next();
            assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
            assertThat(subscribed.get("retained").asBoolean()).isFalse();
            assertThat(subscribed.get("retained_reason").asText()).isEqualTo("unavailable");
            publish(topic, "room", "{\"n\":1}");
            assertThat(ws.next().at("/data/n").asInt()).isEqualTo(1);
            HttpResponse<String> none = getLatest(edge, "room");
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(Json.parse(none.body()).get("detail").asText()).contains("streams service");
        }
    }

    @Test
    void aBadLastOrModeIsAnErrorFrameAndTheConnectionLivesOn() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"last\":\"yes\",\"ref\":1}");
            JsonNode error = ws.next();
            assertThat(error.get("code").asText()).isEqualTo("invalid-frame");
            assertThat(error.get("message").asText()).contains("last");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"mode\":\"newest\",\"ref\":2}");
            assertThat(ws.next().get("message").asText()).contains("mode");
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"mode\":\"latest\",\"ref\":3}");
            assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");
            assertThat(HttpTestClient.get(edge.baseUrl() + "/v1/sse?channel=room&mode=newest").statusCode()).isEqualTo(400);
        }
    }
}
