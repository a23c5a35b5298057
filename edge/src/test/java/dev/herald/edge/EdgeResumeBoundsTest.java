package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Resumes held to their bounds: paged, capped by the log records they may scan, and refused explicitly when too many wait. */
class EdgeResumeBoundsTest extends LogBackedTest {

    /** Publishes {@code n} events {"n":from..} of about {@code padBytes} each to {@code channel}, waits for every ack; returns their positions. */
    private static List<String> publish(String topic, String channel, int from, int n, int padBytes) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        String pad = "x".repeat(padBytes);
        for (int i = from; i < from + n; i++) {
            acks.add(log.producer().send(LogFixture.record(topic, channel, "{\"pad\":\"" + pad + "\",\"n\":" + i + "}")));
        }
        List<String> positions = new ArrayList<>();
        for (Future<RecordMetadata> a : acks) {
            RecordMetadata m = a.get();
            positions.add(PositionCodec.encode(new Position(log.epoch(topic), m.partition(), m.offset())));
        }
        return positions;
    }

    private static String subscribe(String channel, String since) {
        return "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + since + "\"}";
    }

    private static double resumes(EdgeServer edge, String result) {
        return edge.registry().get("herald.edge.resumes").tag("result", result).counter().count();
    }

    /** Waits until the edge has stored and handed off {@code events} events in all. */
    private static void awaitConsumed(EdgeServer edge, int events) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> edge.registry().get("herald.edge.consumed").tag("result", "delivered").counter().count() >= events);
    }

    @Test
    void aResumeLongerThanManyPagesIsReplayedInOrderFromTheLogAndFromHistoryWithOneReusedLogReader() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "100", "replay.page.bytes", "1024"))) {
            List<String> positions = publish(topic, "long", 0, 600, 100);
            awaitConsumed(edge, 600);
            String beforeAll = PositionCodec.encode(new Position(log.epoch(topic),
                    PositionCodec.decode(positions.get(0)).partition(),
                    PositionCodec.decode(positions.get(0)).offset() - 1));
            for (int round = 0; round < 2; round++) {
                try (WsTestClient fromLog = WsTestClient.connect(edge.webSocketUrl())) {
                    fromLog.send(subscribe("long", beforeAll));
                    assertThat(fromLog.next().get("recovered").asBoolean()).isTrue();
                    assertThat(fromLog.next(600)).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(0, 600));
                    assertThat(fromLog.poll(200)).isNull();
                }
            }
            assertThat(edge.registry().get("herald.edge.resume.log.readers").gauge().value()).as("one reader, reused").isEqualTo(1);
            try (WsTestClient fromHistory = WsTestClient.connect(edge.webSocketUrl())) {
                fromHistory.send(subscribe("long", positions.get(519)));
                assertThat(fromHistory.next().get("recovered").asBoolean()).isTrue();
                assertThat(fromHistory.next(80)).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(520, 600));
                publish(topic, "long", 600, 1, 10);
                assertThat(fromHistory.next().at("/data/n").asInt()).isEqualTo(600);
            }
            assertThat(resumes(edge, "recovered")).isEqualTo(3);
        }
    }

    @Test
    void aResumeFurtherBehindThanReplayMaxRecordsIsToldSoAndGoesLive() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "5", "replay.max.records", "10"))) {
            List<String> positions = publish(topic, "far", 0, 20, 10);
            awaitConsumed(edge, 20);
            try (WsTestClient client = WsTestClient.connect(edge.webSocketUrl())) {
                client.send(subscribe("far", positions.get(0)));
                JsonNode subscribed = client.next();
                assertThat(subscribed.get("recovered").asBoolean()).isFalse();
                assertThat(subscribed.get("reason").asText()).isEqualTo("too-far-behind");
                publish(topic, "far", 20, 1, 10);
                assertThat(client.next().at("/data/n").asInt()).isEqualTo(20);
                // within the bound, the same log is replayed
                client.send("{\"op\":\"unsubscribe\",\"channel\":\"far\"}");
                client.send(subscribe("far", positions.get(12)));
                assertThat(client.next().get("recovered").asBoolean()).isTrue();
                assertThat(client.next(8)).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(13, 21));
            }
        }
    }

    /** A client that resumes all its channels on a reconnect gets them all: one connection's resumes beyond two wait their turn. */
    @Test
    void aConnectionResumingManyChannelsAtOnceGetsEveryOneInTurn() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("resume.workers", "1", "resume.queue.max", "2"))) {
            List<String> before = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                before.add(publish(topic, "ch" + c, 0, 3, 10).get(0));
            }
            awaitConsumed(edge, 24);
            try (WsTestClient client = WsTestClient.connect(edge.webSocketUrl())) {
                for (int c = 0; c < 8; c++) {
                    client.send(subscribe("ch" + c, before.get(c)));
                }
                Map<String, List<Integer>> got = new HashMap<>();
                for (JsonNode f : client.next(8 + 8 * 2)) {
                    assertThat(f.get("op").asText()).as(f.toString()).isIn("subscribed", "event");
                    if (f.get("op").asText().equals("subscribed")) {
                        assertThat(f.get("recovered").asBoolean()).isTrue();
                    } else {
                        got.computeIfAbsent(f.get("channel").asText(), k -> new ArrayList<>()).add(f.at("/data/n").asInt());
                    }
                }
                assertThat(got).hasSize(8).allSatisfy((channel, ns) -> assertThat(ns).containsExactly(1, 2));
            }
            assertThat(resumes(edge, "refused")).isZero();
        }
    }

    /**
     * Regression: the resume workers' queue had no bound, so a storm of resumes queued without
     * limit. Now one worker busy with a subscriber that stopped reading, and one resume waiting,
     * fill it: the next resume is refused with the retryable error resume-busy, and succeeds later.
     */
    @Test
    void aResumeThatFindsTheQueueFullIsRefusedWithARetryableErrorAndSucceedsOnceItDrains() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("resume.workers", "1", "resume.queue.max", "1",
                "event.max.bytes", "2000", "queue.max.bytes", "16384", "history.per.channel", "10"))) {
            // more than a stalled client's socket buffers and queue take: its replay waits for room, holding the one worker
            List<String> positions = publish(topic, "big", 0, 8_000, 1_000);
            awaitConsumed(edge, 8_000);
            String recent = positions.get(7_997);
            WsTestClient stalled = WsTestClient.connectNotReading(edge.webSocketUrl());
            try {
                stalled.send(subscribe("big", positions.get(0)));
                await().atMost(Duration.ofSeconds(30)).until(() -> edge.registry().get("herald.edge.resume.queue").gauge().value() == 0
                        && resumes(edge, "recovered") == 1);
                try (WsTestClient waiting = WsTestClient.connect(edge.webSocketUrl());
                     WsTestClient refused = WsTestClient.connect(edge.webSocketUrl())) {
                    waiting.send(subscribe("big", recent));
                    await().atMost(Duration.ofSeconds(10)).until(() -> edge.registry().get("herald.edge.resume.queue").gauge().value() == 1);
                    refused.send("{\"op\":\"subscribe\",\"channel\":\"big\",\"since\":\"" + recent + "\",\"ref\":7}");
                    JsonNode error = refused.next();
                    assertThat(error.get("op").asText()).isEqualTo("error");
                    assertThat(error.get("code").asText()).isEqualTo("resume-busy");
                    assertThat(error.get("ref").asInt()).isEqualTo(7);
                    assertThat(resumes(edge, "refused")).isEqualTo(1);

                    stalled.close(); // its replay ends, the worker takes the waiting resume
                    assertThat(waiting.next().get("recovered").asBoolean()).isTrue();
                    assertThat(waiting.next(2)).extracting(e -> e.at("/data/n").asInt()).containsExactly(7_998, 7_999);
                    refused.send(subscribe("big", recent));
                    assertThat(refused.next().get("recovered").asBoolean()).as("the retry succeeds").isTrue();
                    assertThat(refused.next(2)).extracting(e -> e.at("/data/n").asInt()).containsExactly(7_998, 7_999);
                }
            } finally {
                stalled.close();
            }
        }
    }
}
