package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.lane.LaneSettings;
import dev.herald.lane.MulticastReceiver;
import dev.herald.schemas.ephemeral.EphemeralDatagram;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?durability=ephemeral} and ephemeral batch lines go to the multicast lane, signed, and never to Kafka. */
class IngestEphemeralTest {

    @TempDir
    Path dataDir;

    @Test
    void ephemeralEventsAreSentToTheLaneAndAnsweredWith202AndOneTooLargeForADatagramWith413() throws Exception {
        String secret = LaneSettings.newSecret();
        int lanePort;
        try (DatagramSocket s = new DatagramSocket(0)) {
            lanePort = s.getLocalPort();
        }
        LaneSettings lane = LaneSettings.of(LaneSettings.DEFAULT_GROUP, lanePort, LaneSettings.DEFAULT_INTERFACE, 0, secret,
                LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES, LaneSettings.DEFAULT_MAX_AGE_MS);
        List<EphemeralDatagram> heard = new CopyOnWriteArrayList<>();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).build().start();
        try (MulticastReceiver receiver = MulticastReceiver.start(lane, heard::add, Clock.systemUTC());
             IngestServer ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                     "topic", "events-" + UUID.randomUUID(), "http.port", "0", LaneSettings.SECRET, secret,
                     LaneSettings.PORT, Integer.toString(lanePort), "auth.mode", "none")))) {
            String base = ingest.baseUrl();
            HttpResponse<String> r = HttpTestClient.post(base + "/v1/channels/doc.1/events?durability=ephemeral", "{\"cursor\":[1,2]}",
                    "Content-Type", "application/json", "Idempotency-Key", "cursor-1");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode body = HttpTestClient.json(r);
            assertThat(body.toString()).isEqualTo("{\"id\":\"cursor-1\",\"channel\":\"doc.1\",\"durability\":\"ephemeral\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
            EphemeralDatagram d = heard.get(0);
            assertThat(d.event().id()).isEqualTo("cursor-1");
            assertThat(d.event().channel()).isEqualTo("doc.1");
            assertThat(d.event().contentType()).isEqualTo("application/json");
            assertThat(new String(d.event().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"cursor\":[1,2]}");

            HttpResponse<String> big = HttpTestClient.post(base + "/v1/channels/doc.1/events?durability=ephemeral",
                    "x".repeat(LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES));
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(HttpTestClient.json(big).get("detail").asText()).contains("datagram");

            String batch = "{\"channel\":\"doc.1\",\"data\":{\"typing\":true},\"durability\":\"ephemeral\"}\n"
                    + "{\"channel\":\"doc.1\",\"data\":{\"saved\":1}}\n";
            HttpResponse<String> lines = HttpTestClient.post(base + "/v1/events", batch, "Content-Type", "application/x-ndjson");
            assertThat(lines.statusCode()).isEqualTo(200);
            List<String> answers = lines.body().lines().toList();
            assertThat(Json.parse(answers.get(0)).get("status").asInt()).isEqualTo(202);
            assertThat(Json.parse(answers.get(0)).get("durability").asText()).isEqualTo("ephemeral");
            assertThat(Json.parse(answers.get(1)).get("status").asInt()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
            assertThat(receiver.received()).isEqualTo(2);
            assertThat(new String(heard.get(1).event().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"typing\":true}");
            assertThat(heard.get(1).sequence()).isEqualTo(heard.get(0).sequence() + 1);

            // a content type no datagram can carry fails its own line (it was a worker's uncaught exception, and no answer)
            String longType = "application/" + "x".repeat(250);
            HttpResponse<String> mixed = HttpTestClient.post(base + "/v1/events",
                    "{\"channel\":\"doc.1\",\"data\":1,\"durability\":\"ephemeral\",\"contentType\":\"" + longType + "\"}\n"
                            + "{\"channel\":\"doc.1\",\"data\":2,\"durability\":\"ephemeral\"}\n",
                    "Content-Type", "application/x-ndjson");
            assertThat(mixed.statusCode()).isEqualTo(200);
            List<String> results = mixed.body().lines().toList();
            assertThat(Json.parse(results.get(0)).get("status").asInt()).isEqualTo(413);
            assertThat(Json.parse(results.get(0)).at("/problem/detail").asText()).contains("content type is 262 bytes");
            assertThat(Json.parse(results.get(1)).get("status").asInt()).isEqualTo(202);
            HttpResponse<String> single = HttpTestClient.post(base + "/v1/channels/doc.1/events?durability=ephemeral", "{}",
                    "Content-Type", longType);
            assertThat(single.statusCode()).as(single.body()).isEqualTo(413);

            String metrics = HttpTestClient.get(base + "/metrics").body();
            assertThat(metrics).contains("herald_ephemeral_sent_total{result=\"sent\"} 3.0")
                    .contains("herald_ephemeral_sent_total{result=\"too_large\"} 3.0")
                    .contains("herald_ingest_publish_total{api=\"single\",result=\"accepted\"} 1.0");
        } finally {
            broker.stop();
        }
    }
}
