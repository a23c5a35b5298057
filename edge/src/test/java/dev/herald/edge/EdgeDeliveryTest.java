package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Delivery at scale and across edges, and records that no Herald ingest wrote. */
class EdgeDeliveryTest extends LogBackedTest {

    @Test
    void aThousandSubscribersOnOneEdgeEachGetEveryEventOfTheirChannelInPublishOrder() throws Exception {
        String topic = log.topic();
        int subscribers = 1_000;
        int events = 100;
        List<String> channels = List.of("alpha", "beta", "gamma", "delta");
        HttpClient http = HttpClient.newHttpClient();
        List<WsTestClient> clients = new ArrayList<>();
        // a thousand clients from one address: the per-address connection limits would (rightly) refuse them
        try (EdgeServer edge = log.edge(topic, Map.of("limits.new.connections.rate", "off", "limits.connections.per.address", "0"))) {
            for (int i = 0; i < subscribers; i++) {
                WsTestClient ws = WsTestClient.connect(http, edge.webSocketUrl());
                clients.add(ws);
                ws.send("{\"op\":\"subscribe\",\"channel\":\"" + channels.get(i % channels.size()) + "\"}");
            }
            for (WsTestClient ws : clients) {
                assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");
            }
            assertThat(edge.connections()).isEqualTo(subscribers);

            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int n = 0; n < events; n++) {
                for (String channel : channels) {
                    acks.add(log.producer().send(LogFixture.record(topic, channel, "{\"channel\":\"" + channel + "\",\"n\":" + n + "}")));
                }
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            for (int i = 0; i < subscribers; i++) {
                String channel = channels.get(i % channels.size());
                List<JsonNode> got = clients.get(i).next(events);
                assertThat(got).as("subscriber %d of %s", i, channel).allSatisfy(e -> assertThat(e.at("/data/channel").asText()).isEqualTo(channel));
                assertThat(got).extracting(e -> e.at("/data/n").asInt()).as("subscriber %d", i).containsExactlyElementsOf(LogFixture.range(0, events));
            }
            for (WsTestClient ws : clients) {
                assertThat(ws.poll(0)).isNull();
            }
            assertThat(edge.registry().get("herald.edge.deliveries").counter().count()).isEqualTo((double) subscribers * events);
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    @Test
    void aSubscriberResumesOnAnotherEdgeWithoutAGap() throws Exception {
        String topic = log.topic();
        try (EdgeServer first = log.edge(topic, Map.of()); EdgeServer second = log.edge(topic, Map.of())) {
            String lastSeen;
            try (WsTestClient ws = WsTestClient.connect(first.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
                ws.next();
                for (int i = 0; i < 10; i++) {
                    log.publish(topic, "room", "{\"n\":" + i + "}");
                }
                List<JsonNode> got = ws.next(10);
                assertThat(got).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(0, 10));
                lastSeen = got.get(9).get("position").asText();
            }
            for (int i = 10; i < 25; i++) {
                log.publish(topic, "room", "{\"n\":" + i + "}");
            }
            try (WsTestClient ws = WsTestClient.connect(second.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + lastSeen + "\"}");
                assertThat(ws.next().get("recovered").asBoolean()).isTrue();
                log.publish(topic, "room", "{\"n\":25}");
                List<JsonNode> rest = ws.next(16);
                assertThat(rest).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(10, 26));
                assertThat(ws.poll(300)).isNull();
            }
        }
    }

    @Test
    void aPlainKafkaRecordIsDeliveredAndAMalformedOneDoesNotStopItsPartition() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
            JsonNode subscribed = ws.next();
            int partition = dev.herald.schemas.PositionCodec.decode(subscribed.get("position").asText()).partition();

            RecordMetadata plain = log.producer().send(new ProducerRecord<>(topic, "room".getBytes(StandardCharsets.UTF_8),
                    "{\"plain\":true}".getBytes(StandardCharsets.UTF_8))).get();
            // No key: no channel to deliver it to. Same partition as "room", so it sits between the two good records.
            log.producer().send(new ProducerRecord<>(topic, partition, null, "orphan".getBytes(StandardCharsets.UTF_8))).get();
            log.producer().send(new ProducerRecord<>(topic, partition, "../bad".getBytes(StandardCharsets.UTF_8),
                    "bad key".getBytes(StandardCharsets.UTF_8))).get();
            log.publish(topic, "room", "{\"after\":true}");

            JsonNode first = ws.next();
            assertThat(first.at("/data/plain").asBoolean()).isTrue();
            assertThat(first.get("id").asText()).isEqualTo("kafka-" + plain.partition() + "-" + plain.offset());
            assertThat(ws.next().at("/data/after").asBoolean()).as("the partition flows past the malformed records").isTrue();
            assertThat(edge.registry().get("herald.edge.consumed").tag("result", "malformed").counter().count()).isEqualTo(2.0);
            // The lag gauge is refreshed after each poll, just after the hand-off the client saw.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(edge.registry().scrape())
                    .containsPattern("herald_edge_consumer_lag_records\\{partition=\"" + partition + "\"} 0\\.0"));
        }
    }
}
