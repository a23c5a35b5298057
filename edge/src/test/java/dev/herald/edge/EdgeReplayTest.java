package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.server.auth.TokenMinter;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import dev.herald.testkit.SseTestClient;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The edge's replay endpoint ({@code POST /admin/replay}) against a real broker, driven over raw
 * HTTP as {@code herald replay} drives it: a history replay rebuilds a lost store while the edge
 * runs and delivers nothing twice; a redeliver replay sends a range again, marked replayed; only
 * admin tokens get in; a range that retention passed is refused, not clamped; and a cleanly stopped
 * edge leaves its group at once, so that a stopped edge's offsets can be moved.
 */
class EdgeReplayTest extends LogBackedTest {

    private static final String SECRET = "an-edge-replay-test-secret-of-32-bytes+";

    /** Publishes {"n":from..from+count-1} to {@code channel}; returns their positions. */
    private static List<String> publish(String topic, String channel, int from, int count) throws Exception {
        List<String> positions = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            positions.add(log.publish(topic, channel, "{\"n\":" + i + "}"));
        }
        return positions;
    }

    private static void awaitConsumed(EdgeServer edge, int events) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> edge.registry().get("herald.edge.consumed").tag("result", "delivered").counter().count() >= events);
    }

    /** Every partition's range from {@code from} to the edge group's committed offset. */
    private static String historyOfEverything(String edgeId, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = log.admin().listConsumerGroupOffsets("herald-edge-" + edgeId)
                .partitionsToOffsetAndMetadata().get();
        List<Map<String, Object>> ranges = new ArrayList<>();
        committed.forEach((tp, o) -> ranges.add(Map.of("partition", tp.partition(), "from", 0, "to", o.offset())));
        return Json.MAPPER.writeValueAsString(Map.of("edge", edgeId, "topic", topic, "mode", "history", "ranges", ranges));
    }

    /** Waits until replay {@code location} has ended; returns its final status. */
    private static JsonNode awaitEnded(EdgeServer edge, String location) {
        JsonNode[] status = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            status[0] = HttpTestClient.json(HttpTestClient.get(edge.baseUrl() + location));
            return !status[0].get("state").asText().equals("running");
        });
        return status[0];
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aHistoryReplayRebuildsALostStoreOnARunningEdgeAndDeliversNothingTwice() throws Exception {
        String topic = log.topic();
        String edgeId = "e-" + UUID.randomUUID();
        Path data = dir.resolve("edge-" + edgeId);
        Map<String, String> settings = log.edgeSettings(topic, edgeId, data, Map.of());
        List<String> positions;
        try (EdgeServer edge = EdgeServer.start(new EdgeConfig(settings))) {
            positions = publish(topic, "room", 0, 30);
            publish(topic, "other", 0, 10);
            awaitConsumed(edge, 40);
        }
        deleteTree(data); // the disk is lost

        try (EdgeServer edge = EdgeServer.start(new EdgeConfig(settings));
             WsTestClient live = WsTestClient.connect(edge.webSocketUrl())) {
            live.subscribe("room", null);
            assertThat(live.next().get("op").asText()).isEqualTo("subscribed");
            publish(topic, "room", 30, 5);
            assertThat(live.next(5)).extracting(f -> f.at("/data/n").asInt()).containsExactly(30, 31, 32, 33, 34);

            HttpResponse<String> started = HttpTestClient.post(edge.baseUrl() + "/admin/replay", historyOfEverything(edgeId, topic),
                    "Content-Type", "application/json");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String location = started.headers().firstValue("Location").orElseThrow();
            JsonNode status = awaitEnded(edge, location);
            assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("done");
            assertThat(status.get("records").asLong()).isEqualTo(40);
            assertThat(status.get("replayed").asLong()).as("stored again").isEqualTo(40);
            assertThat(status.get("requestedBy").asText()).isEqualTo("anyone (tokens off)");
            assertThat(edge.registry().get("herald.edge.replay.records").tag("mode", "history").counter().count()).isEqualTo(40);
            assertThat(edge.registry().get("herald.edge.replays").tag("mode", "history").tag("result", "done").counter().count()).isEqualTo(1);
            assertThat(edge.registry().get("herald.edge.replay.backlog").gauge().value()).isZero();

            Position first = PositionCodec.decode(positions.get(0));
            String beforeAll = PositionCodec.encode(new Position(first.epoch(), first.partition(), first.offset() - 1));
            try (WsTestClient resumed = WsTestClient.connect(edge.webSocketUrl())) {
                resumed.subscribe("room", beforeAll);
                assertThat(resumed.next().get("recovered").asBoolean()).isTrue();
                assertThat(resumed.next(35)).extracting(f -> f.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(0, 35));
            }
            assertThat(edge.registry().get("herald.edge.resume.log.readers").gauge().value())
                    .as("the resume was served from the rebuilt history, without reading the log").isZero();
            assertThat(live.poll(500)).as("the live subscriber got nothing twice").isNull();
        }
    }

    @Test
    void aRedeliverReplaySendsTheRangeAgainToLiveSubscribersMarkedReplayed() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of());
             WsTestClient ws = WsTestClient.connect(edge.webSocketUrl());
             WsTestClient elsewhere = WsTestClient.connect(edge.webSocketUrl());
             SseTestClient sse = SseTestClient.connect(edge.baseUrl() + "/v1/sse?channel=room", null)) {
            ws.subscribe("room", null);
            elsewhere.subscribe("hall", null);
            ws.next();
            elsewhere.next();
            sse.next();
            List<String> positions = publish(topic, "room", 0, 5);
            List<JsonNode> firstTime = ws.next(5);
            List<SseTestClient.SseEvent> sseFirst = sse.next(5);
            String cursor = sse.lastEventId();
            Position first = PositionCodec.decode(positions.get(0));
            Position last = PositionCodec.decode(positions.get(4));
            String request = Json.MAPPER.writeValueAsString(Map.of("mode", "redeliver", "channel", "room", "ranges",
                    List.of(Map.of("partition", first.partition(), "from", first.offset(), "to", last.offset() + 1))));

            HttpResponse<String> started = HttpTestClient.post(edge.baseUrl() + "/admin/replay", request);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            List<JsonNode> again = ws.next(5);
            assertThat(again).allSatisfy(f -> assertThat(f.get("replayed").asBoolean()).isTrue());
            assertThat(again).extracting(f -> f.get("id").asText())
                    .containsExactlyElementsOf(firstTime.stream().map(f -> f.get("id").asText()).toList());
            assertThat(again).extracting(f -> f.get("position").asText()).containsExactlyElementsOf(positions);
            List<SseTestClient.SseEvent> sseAgain = sse.next(5);
            for (int i = 0; i < 5; i++) {
                ObjectNode replayed = (ObjectNode) sseAgain.get(i).json();
                assertThat(replayed.remove("replayed").asBoolean()).isTrue();
                assertThat(replayed).as("the same frame, but for the mark").isEqualTo(sseFirst.get(i).json());
            }
            assertThat(sse.lastEventId()).as("a replayed SSE event has no id: the stream's cursor stays").isEqualTo(cursor);
            JsonNode status = awaitEnded(edge, started.headers().firstValue("Location").orElseThrow());
            assertThat(status.get("state").asText()).isEqualTo("done");
            assertThat(status.get("records").asLong()).isEqualTo(5);
            assertThat(status.get("replayed").asLong()).isEqualTo(5);

            publish(topic, "room", 5, 1);
            JsonNode live = ws.next();
            assertThat(live.at("/data/n").asInt()).as("live events go on after the redelivery").isEqualTo(5);
            assertThat(live.has("replayed")).isFalse();
            assertThat(elsewhere.poll(300)).as("other channels' subscribers get nothing").isNull();
        }
    }

    @Test
    void theReplayEndpointLetsOnlyAdminTokensIn() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("auth.mode", "jwt", "auth.hmac.secret", SECRET))) {
            String url = edge.baseUrl() + "/admin/replay";
            String request = "{\"mode\":\"history\",\"ranges\":[{\"partition\":0,\"from\":0,\"to\":0}]}";
            TokenMinter minter = TokenMinter.hmac(SECRET);
            String plain = minter.mint("bob", List.of("*"), List.of("*"), false, null, null, Instant.now(), Duration.ofMinutes(5));
            String admin = minter.mint("ops", List.of(), List.of(), true, null, null, Instant.now(), Duration.ofMinutes(5));

            assertThat(HttpTestClient.post(url, request).statusCode()).isEqualTo(401);
            assertThat(HttpTestClient.post(url, request, "Authorization", "Bearer " + plain).statusCode()).isEqualTo(403);
            assertThat(HttpTestClient.get(url + "/1").statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = HttpTestClient.post(url, request, "Authorization", "Bearer " + admin);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(HttpTestClient.json(accepted).get("requestedBy").asText()).isEqualTo("ops");
        }
    }

    @Test
    void aRangeBeforeTheLogStartIsRefusedNotClamped() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            List<String> positions = publish(topic, "gone", 0, 10);
            Position p = PositionCodec.decode(positions.get(0));
            TopicPartition tp = new TopicPartition(topic, p.partition());
            log.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(p.offset() + 5))).all().get();
            Map<String, Object> range = new HashMap<>(Map.of("partition", p.partition(), "from", p.offset(), "to", p.offset() + 10));
            HttpResponse<String> refused = HttpTestClient.post(edge.baseUrl() + "/admin/replay",
                    Json.MAPPER.writeValueAsString(Map.of("mode", "history", "ranges", List.of(range))));
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(HttpTestClient.json(refused).get("type").asText()).isEqualTo("urn:herald:problem:replay-conflict");
            assertThat(HttpTestClient.json(refused).get("detail").asText()).contains("before the log start " + (p.offset() + 5));
        }
    }

    @Test
    void aCleanlyStoppedEdgeLeavesItsGroupAtOnce() throws Exception {
        String topic = log.topic();
        String edgeId = "e-" + UUID.randomUUID();
        EdgeServer edge = EdgeServer.start(new EdgeConfig(log.edgeSettings(topic, edgeId, dir.resolve("edge-" + edgeId), Map.of())));
        try {
            ConsumerGroupDescription running = log.admin().describeConsumerGroups(List.of("herald-edge-" + edgeId)).all().get()
                    .get("herald-edge-" + edgeId);
            assertThat(running.members()).hasSize(1);
        } finally {
            edge.close();
        }
        ConsumerGroupDescription stopped = log.admin().describeConsumerGroups(List.of("herald-edge-" + edgeId)).all().get()
                .get("herald-edge-" + edgeId);
        assertThat(stopped.members()).as("no static member left behind until its session times out").isEmpty();
        assertThat(stopped.groupState()).isEqualTo(GroupState.EMPTY);
    }
}
