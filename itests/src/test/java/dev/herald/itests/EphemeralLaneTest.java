package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.lane.LaneSettings;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ephemeral lane end to end: one ingest and two edges on one multicast lane (loopback), a
 * real broker, WebSocket subscribers on both edges.
 */
class EphemeralLaneTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "herald.events";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private String ingestUrl;

    @Test
    void ephemeralEventsFromHttpAndFromAWebSocketClientReachEverySubscriberOnBothEdgesAndNeverTheLogOrAResume() throws Exception {
        String secret = LaneSettings.newSecret();
        String lanePort = Integer.toString(freeUdpPort());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        try (IngestServer ingest = IngestServer.start(new IngestConfig(Map.of(
                     IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(), IngestConfig.HTTP_PORT, "0",
                     IngestConfig.TOPIC, TOPIC, LaneSettings.SECRET, secret, LaneSettings.PORT, lanePort, "auth.mode", "none")));
             EdgeServer a = startEdge(broker, "a", secret, lanePort);
             EdgeServer b = startEdge(broker, "b", secret, lanePort)) {
            ingestUrl = ingest.baseUrl();
            List<WsTestClient> subscribers = new ArrayList<>();
            for (EdgeServer edge : List.of(a, b, a, b)) {
                subscribers.add(subscribe(edge, "room.42", null));
            }
            WsTestClient other = subscribe(b, "room.other", null);

            // a durable event first: its position is where a later resume starts
            JsonNode durable = post("room.42", "{\"text\":\"hello\"}", false, 201);
            for (WsTestClient s : subscribers) {
                assertThat(nextEvent(s).get("id").asText()).isEqualTo(durable.get("id").asText());
            }

            JsonNode accepted = post("room.42", "{\"typing\":true}", true, 202);
            assertThat(accepted.fieldNames()).toIterable().containsExactly("id", "channel", "durability");
            assertThat(accepted.get("durability").asText()).isEqualTo("ephemeral");
            for (WsTestClient s : subscribers) {
                JsonNode e = nextEvent(s);
                assertThat(e.get("id").asText()).isEqualTo(accepted.get("id").asText());
                assertThat(e.get("durability").asText()).isEqualTo("ephemeral");
                assertThat(e.has("position")).isFalse();
                assertThat(e.get("data").toString()).isEqualTo("{\"typing\":true}");
            }

            subscribers.get(0).send("{\"op\":\"publish\",\"ref\":1,\"channel\":\"room.42\",\"data\":{\"cursor\":[3,4]}}");
            String fromClient = null;
            for (WsTestClient s : subscribers) {
                JsonNode e = nextEvent(s);
                assertThat(e.get("durability").asText()).isEqualTo("ephemeral");
                assertThat(e.get("data").toString()).isEqualTo("{\"cursor\":[3,4]}");
                fromClient = fromClient == null ? e.get("id").asText() : fromClient;
                assertThat(e.get("id").asText()).as("the same event on every subscriber").isEqualTo(fromClient);
            }
            assertThat(other.poll(300)).as("another channel's subscriber gets nothing").isNull();

            // too large for a datagram: 413 at ingest, an error frame at the edge, and nothing sent
            String big = "\"" + "x".repeat(LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES) + "\"";
            JsonNode refused = post("room.42", big, true, 413);
            assertThat(refused.get("detail").asText()).contains("datagram");
            subscribers.get(1).send("{\"op\":\"publish\",\"ref\":\"r2\",\"channel\":\"room.42\",\"data\":" + big + "}");
            JsonNode error = subscribers.get(1).next();
            assertThat(error.get("op").asText()).isEqualTo("error");
            assertThat(error.get("ref").asText()).isEqualTo("r2");
            assertThat(error.get("code").asText()).isEqualTo("event-too-large");
            for (WsTestClient s : subscribers) {
                assertThat(s.poll(300)).isNull();
            }

            // the log holds the durable event only
            Set<String> logged = idsInLog(broker.bootstrapServers());
            assertThat(logged).contains(durable.get("id").asText())
                    .doesNotContain(accepted.get("id").asText(), fromClient).hasSize(1);

            // a resume from before the ephemeral events replays none of them
            JsonNode durable2 = post("room.42", "{\"text\":\"again\"}", false, 201);
            for (EdgeServer edge : List.of(a, b)) {
                try (WsTestClient resumed = subscribe(edge, "room.42", durable.get("position").asText())) {
                    JsonNode replayed = nextEvent(resumed);
                    assertThat(replayed.get("id").asText()).isEqualTo(durable2.get("id").asText());
                    assertThat(resumed.poll(300)).isNull();
                }
            }

            // both edges counted what the lane brought them
            for (EdgeServer edge : List.of(a, b)) {
                String metrics = get(edge.baseUrl() + "/metrics");
                assertThat(metricValue(metrics, "herald_ephemeral_received_total")).isEqualTo(2.0);
                assertThat(metricValue(metrics, "herald_ephemeral_lost_total")).isEqualTo(0.0);
            }
            subscribers.forEach(WsTestClient::close);
            other.close();
        } finally {
            broker.stop();
        }
    }

    private EdgeServer startEdge(EmbeddedKafkaBroker broker, String id, String secret, String lanePort) {
        return EdgeServer.start(new EdgeConfig(Map.of(EdgeConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                EdgeConfig.TOPIC, TOPIC, EdgeConfig.HTTP_PORT, "0", EdgeConfig.EDGE_ID, id,
                EdgeConfig.DATA_DIR, dir.resolve("edge-" + id).toString(), LaneSettings.SECRET, secret, LaneSettings.PORT, lanePort,
                "auth.mode", "none")));
    }

    private WsTestClient subscribe(EdgeServer edge, String channel, String since) throws InterruptedException {
        WsTestClient s = WsTestClient.connect(http, edge.webSocketUrl());
        s.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"" + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}");
        JsonNode subscribed = s.next();
        assertThat(subscribed.get("op").asText()).as(subscribed.toString()).isEqualTo("subscribed");
        return s;
    }

    private static JsonNode nextEvent(WsTestClient s) throws InterruptedException {
        JsonNode e = s.next();
        assertThat(e.get("op").asText()).as(e.toString()).isEqualTo("event");
        return e;
    }

    private JsonNode post(String channel, String body, boolean ephemeral, int status) throws Exception {
        String url = ingestUrl + "/v1/channels/" + channel + "/events" + (ephemeral ? "?durability=ephemeral" : "");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metricValue(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static Set<String> idsInLog(String bootstrap) {
        Set<String> ids = new HashSet<>();
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ids.add(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
                }
            }
        }
        return ids;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
