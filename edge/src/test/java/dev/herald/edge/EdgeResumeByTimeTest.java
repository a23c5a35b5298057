package dev.herald.edge;

import static dev.herald.edge.EdgeHistoryTest.publishAround;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.Json;
import dev.herald.testkit.SseTestClient;
import dev.herald.testkit.SseTestClient.SseEvent;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Resume by time: {@code since_time} on a WebSocket subscribe and on an SSE request, against an
 * edge on a real broker, the times taken from the records' own timestamps.
 */
class EdgeResumeByTimeTest extends LogBackedTest {

    @Test
    void aWebSocketSubscribeWithSinceTimeGetsTheEventsFromTheFirstAtOrAfterThatTimeThenLiveOnes() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "3"))) {
            Instant between = publishAround(topic, "t", 5, 6);
            try (WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
                ws.send(subscribeAt("t", between.toString()));
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
                assertThat(subscribed.get("recovered").asBoolean()).isTrue();
                assertThat(ws.next(6)).extracting(e -> e.at("/data/n").asInt()).containsExactly(100, 101, 102, 103, 104, 105);
                log.publish(topic, "t", "{\"n\":200}");
                assertThat(ws.next().at("/data/n").asInt()).as("then live").isEqualTo(200);
                assertThat(ws.poll(200)).isNull();
            }
        }
    }

    @Test
    void aTimeAfterTheLastEventReplaysNothingAndGoesLiveRecovered() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            log.publish(topic, "t", "{\"n\":0}");
            try (WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
                ws.send(subscribeAt("t", Instant.now().plusSeconds(3_600).toString()));
                assertThat(ws.next().get("recovered").asBoolean()).isTrue();
                log.publish(topic, "t", "{\"n\":1}");
                assertThat(ws.next().at("/data/n").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void anSseStreamWithSinceTimeResumesEachOfItsChannelsFromThatTimeAndItsIdResumesAReconnect() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            log.publish(topic, "b", "{\"n\":0}");
            Instant between = publishAround(topic, "a", 3, 4);
            log.publish(topic, "b", "{\"n\":100}");
            String url = edge.baseUrl() + "/v1/sse?channel=a&channel=b&since_time=" + enc(between.toString());
            String lastEventId;
            try (SseTestClient sse = SseTestClient.connect(url, null)) {
                assertThat(sse.status()).isEqualTo(200);
                List<SseEvent> frames = sse.next(2 + 5);
                assertThat(frames).filteredOn(e -> e.json().get("op").asText().equals("subscribed")).hasSize(2)
                        .allSatisfy(e -> assertThat(e.json().get("recovered").asBoolean()).isTrue());
                assertThat(ns(frames, "a")).containsExactly(100, 101, 102, 103);
                assertThat(ns(frames, "b")).containsExactly(100);
                assertThat(sse.poll(200)).isNull();
                lastEventId = sse.lastEventId();
            }
            log.publish(topic, "a", "{\"n\":104}");
            // a browser reconnects to the same URL, since_time and all, with Last-Event-ID: that wins
            try (SseTestClient again = SseTestClient.connect(url, lastEventId)) {
                List<SseEvent> frames = again.next(3);
                assertThat(ns(frames, "a")).containsExactly(104);
                assertThat(again.poll(200)).isNull();
            }
        }
    }

    @Test
    void aTimeOlderThanTheLogStartAfterRecordsWereDeletedAnswersRecoveredFalseOnWebSocketAndSse() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            Instant before = Instant.now().minusSeconds(60);
            List<String> positions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                positions.add(log.publish(topic, "gone", "{\"n\":" + i + "}"));
            }
            Position third = PositionCodec.decode(positions.get(3));
            log.admin().deleteRecords(Map.of(new TopicPartition(topic, third.partition()), RecordsToDelete.beforeOffset(third.offset())))
                    .all().get();
            try (WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
                ws.send(subscribeAt("gone", before.toString()));
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("recovered").asBoolean()).isFalse();
                assertThat(subscribed.get("reason").asText()).isEqualTo("offset-out-of-range");
                log.publish(topic, "gone", "{\"n\":6}");
                assertThat(ws.next().at("/data/n").asInt()).as("live, nothing replayed").isEqualTo(6);
            }
            String url = edge.baseUrl() + "/v1/sse?channel=gone&since_time=" + enc(before.toString());
            try (SseTestClient sse = SseTestClient.connect(url, null)) {
                JsonNode subscribed = sse.next().json();
                assertThat(subscribed.get("recovered").asBoolean()).isFalse();
                assertThat(subscribed.get("reason").asText()).isEqualTo("offset-out-of-range");
                assertThat(sse.poll(200)).isNull();
            }
            assertThat(edge.registry().get("herald.edge.resumes").tag("result", "not_recovered").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void sinceWithSinceTimeOrAMalformedTimeIsRefused() throws Exception {
        String topic = log.topic();
        String position = log.publish(topic, "c", "{\"n\":0}");
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"c\",\"since\":\"" + position + "\",\"since_time\":\"2026-12-01T10:00:00Z\",\"ref\":1}");
            JsonNode both = ws.next();
            assertThat(both.get("op").asText()).isEqualTo("error");
            assertThat(both.get("code").asText()).isEqualTo("invalid-position");
            assertThat(both.get("ref").asInt()).isEqualTo(1);
            ws.send("{\"op\":\"subscribe\",\"channel\":\"c\",\"since_time\":\"yesterday\",\"ref\":2}");
            assertThat(ws.next().get("code").asText()).isEqualTo("invalid-position");

            String base = edge.baseUrl() + "/v1/sse?channel=c&since_time=";
            for (String query : List.of(enc("yesterday"), enc("2026-12-01T10:00:00Z") + "&lastEventId=" + position)) {
                try (SseTestClient sse = SseTestClient.connect(base + query, null)) {
                    assertThat(sse.status()).isEqualTo(400);
                    assertThat(Json.MAPPER.readTree(sse.body()).get("type").asText()).isEqualTo("urn:herald:problem:invalid-position");
                }
            }
        }
    }

    private static String subscribeAt(String channel, String time) {
        return "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since_time\":\"" + time + "\"}";
    }

    private static List<Integer> ns(List<SseEvent> events, String channel) {
        List<Integer> ns = new ArrayList<>();
        for (SseEvent e : events) {
            JsonNode frame = e.json();
            if (frame.get("op").asText().equals("event") && frame.get("channel").asText().equals(channel)) {
                ns.add(frame.at("/data/n").asInt());
            }
        }
        return ns;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
