package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.StreamCursor;
import dev.herald.testkit.Json;
import dev.herald.testkit.SseTestClient;
import dev.herald.testkit.SseTestClient.SseEvent;
import org.junit.jupiter.api.Test;

class EdgeSseTest extends LogBackedTest {

    @Test
    void aStreamOfTwoChannelsGetsBothSubscribedThenEachChannelsEventsInOrder() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of()); SseTestClient sse = SseTestClient.connect(url(edge, "a", "b"), null)) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            List<SseEvent> subscribed = sse.next(2);
            assertThat(subscribed).extracting(e -> e.json().get("op").asText()).containsOnly("subscribed");
            assertThat(subscribed).extracting(e -> e.json().get("channel").asText()).containsExactlyInAnyOrder("a", "b");
            assertThat(subscribed).allSatisfy(e -> assertThat(e.json().get("recovered").asBoolean()).isTrue());

            for (int i = 0; i < 20; i++) {
                log.publish(topic, "a", "{\"n\":" + i + "}");
                log.publish(topic, "b", "{\"n\":" + i + "}");
                log.publish(topic, "c", "{\"n\":" + i + "}");
            }
            log.publish(topic, "a", "{\n  \"pretty\": [1,\n 2]\n}");
            List<SseEvent> events = sse.next(41);
            assertThat(events).extracting(SseEvent::type).containsOnly("message");
            assertThat(events).extracting(e -> e.json().get("op").asText()).containsOnly("event");
            assertThat(ns(events, "a")).containsExactlyElementsOf(LogFixture.range(0, 20));
            assertThat(ns(events, "b")).containsExactlyElementsOf(LogFixture.range(0, 20));
            assertThat(events).filteredOn(e -> e.json().at("/data/pretty").isArray()).singleElement()
                    .satisfies(e -> assertThat(e.json().at("/data/pretty/1").asInt()).as("a payload with line feeds arrives whole").isEqualTo(2));
            assertThat(sse.poll(300)).isNull();
        }
    }

    @Test
    void aReconnectWithLastEventIdReceivesExactlyWhatItMissedOnEveryChannel() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            String url = url(edge, "a", "b");
            String lastEventId;
            try (SseTestClient first = SseTestClient.connect(url, null)) {
                first.next(2);
                for (int i = 0; i < 5; i++) {
                    log.publish(topic, "a", "{\"n\":" + i + "}");
                    log.publish(topic, "b", "{\"n\":" + i + "}");
                }
                first.next(10);
                lastEventId = first.lastEventId();
            }
            assertThat(StreamCursor.isStreamCursor(lastEventId)).isTrue();
            for (int i = 5; i < 12; i++) {
                log.publish(topic, "a", "{\"n\":" + i + "}");
            }
            for (int i = 5; i < 8; i++) {
                log.publish(topic, "b", "{\"n\":" + i + "}");
            }
            try (SseTestClient again = SseTestClient.connect(url, lastEventId)) {
                // Per channel: subscribed first, then its missed events; the two channels' resumes run side by side.
                List<SseEvent> resumed = again.next(12);
                assertThat(resumed).filteredOn(e -> e.json().get("op").asText().equals("subscribed")).hasSize(2).allSatisfy(e ->
                        assertThat(e.json().get("recovered").asBoolean()).isTrue());
                for (String channel : List.of("a", "b")) {
                    List<String> ops = resumed.stream().map(SseEvent::json).filter(f -> f.get("channel").asText().equals(channel))
                            .map(f -> f.get("op").asText()).toList();
                    assertThat(ops.get(0)).isEqualTo("subscribed");
                    assertThat(ops.subList(1, ops.size())).containsOnly("event");
                }
                assertThat(ns(resumed, "a")).containsExactlyElementsOf(LogFixture.range(5, 12));
                assertThat(ns(resumed, "b")).containsExactlyElementsOf(LogFixture.range(5, 8));
                log.publish(topic, "b", "{\"n\":8}");
                assertThat(again.next().json().at("/data/n").asInt()).isEqualTo(8);
                assertThat(again.poll(300)).isNull();
            }
        }
    }

    @Test
    void aStreamThatDropsRightAfterSubscribingResumesFromItsSubscribedId() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            String url = url(edge, "a", "b");
            String lastEventId;
            try (SseTestClient first = SseTestClient.connect(url, null)) {
                first.next(2);
                lastEventId = first.lastEventId();
            }
            log.publish(topic, "a", "{\"n\":0}");
            log.publish(topic, "b", "{\"n\":0}");
            try (SseTestClient again = SseTestClient.connect(url, lastEventId)) {
                List<SseEvent> resumed = again.next(4);
                assertThat(resumed).filteredOn(e -> e.json().get("op").asText().equals("event"))
                        .extracting(e -> e.json().get("channel").asText()).containsExactlyInAnyOrder("a", "b");
                assertThat(again.poll(300)).isNull();
            }
        }
    }

    @Test
    void aStreamOfOneChannelUsesPositionsAsIdsSoAWebSocketPositionResumesIt() throws Exception {
        String topic = log.topic();
        String first = log.publish(topic, "room", "{\"n\":0}");
        log.publish(topic, "room", "{\"n\":1}");
        String second = log.publish(topic, "room", "{\"n\":2}");
        try (EdgeServer edge = log.edge(topic, Map.of()); SseTestClient sse = SseTestClient.connect(url(edge, "room"), first)) {
            assertThat(sse.next().json().get("recovered").asBoolean()).isTrue();
            List<SseEvent> missed = sse.next(2);
            assertThat(missed).extracting(e -> e.json().at("/data/n").asInt()).containsExactly(1, 2);
            assertThat(sse.lastEventId()).isEqualTo(second).isEqualTo(missed.get(1).json().get("position").asText());
        }
    }

    @Test
    void badRequestsGetAProblemAndAResumePointFromAnotherEpochIsReported() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            String base = edge.baseUrl() + "/v1/sse";
            assertProblem(SseTestClient.connect(base, null), "invalid-channel");
            assertProblem(SseTestClient.connect(base + "?channel=" + enc("/bad"), null), "invalid-channel");
            assertProblem(SseTestClient.connect(base + "?channel=a&channel=a", null), "invalid-channel");
            assertProblem(SseTestClient.connect(url(edge, "a", "b"), "garbage"), "invalid-position");
            String otherChannels = StreamCursor.of(edge.epoch(), List.of("b", "a"), new long[] {0, 0}).encode();
            assertProblem(SseTestClient.connect(url(edge, "a", "b"), otherChannels), "invalid-position");

            String otherEpoch = StreamCursor.of(new Epoch(UUID.randomUUID(), 3), List.of("a", "b"), new long[] {4, 4}).encode();
            try (SseTestClient sse = SseTestClient.connect(url(edge, "a", "b"), otherEpoch)) {
                List<SseEvent> subscribed = sse.next(2);
                assertThat(subscribed).allSatisfy(e -> {
                    assertThat(e.json().get("recovered").asBoolean()).isFalse();
                    assertThat(e.json().get("reason").asText()).isEqualTo("epoch-mismatch");
                });
                log.publish(topic, "a", "{\"n\":1}");
                assertThat(sse.next().json().at("/data/n").asInt()).as("the stream goes on live").isEqualTo(1);
            }
        }
    }

    private static void assertProblem(SseTestClient answer, String slug) throws Exception {
        try (answer) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(Json.MAPPER.readTree(answer.body()).get("type").asText()).isEqualTo("urn:herald:problem:" + slug);
        }
    }

    private static List<Integer> ns(List<SseEvent> events, String channel) {
        List<Integer> ns = new ArrayList<>();
        for (SseEvent e : events) {
            JsonNode frame = e.json();
            if (frame.get("channel").asText().equals(channel) && frame.at("/data/n").isInt()) {
                ns.add(frame.at("/data/n").asInt());
            }
        }
        return ns;
    }

    private static String url(EdgeServer edge, String... channels) {
        return edge.baseUrl() + "/v1/sse?" + java.util.Arrays.stream(channels).map(c -> "channel=" + enc(c)).collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
