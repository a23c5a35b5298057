package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.lane.LaneSettings;
import dev.herald.schemas.Event;
import dev.herald.schemas.ephemeral.DatagramCodec;
import dev.herald.schemas.ephemeral.EphemeralDatagram;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;

/** Datagrams sent raw to the lane's group: only a well-signed, fresh, new one reaches a subscriber. */
class EdgeEphemeralLaneTest extends LogBackedTest {

    private static final String SECRET = LaneSettings.newSecret();

    @Test
    void forgedUnsignedReplayedAndTruncatedDatagramsReachNoOneAndAreCountedByReason() throws Exception {
        String topic = log.topic();
        int lanePort = freeUdpPort();
        try (EdgeServer edge = log.edge(topic, Map.of(LaneSettings.SECRET, SECRET, LaneSettings.PORT, Integer.toString(lanePort)));
             WsTestClient ws = WsTestClient.connect(edge.webSocketUrl());
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET)) {
            raw.setOption(StandardSocketOptions.IP_MULTICAST_IF, LaneSettings.loopback());
            raw.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            InetSocketAddress group = new InetSocketAddress(InetAddress.getByName(LaneSettings.DEFAULT_GROUP), lanePort);
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
            assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");

            DatagramCodec codec = new DatagramCodec(SECRET.getBytes(StandardCharsets.UTF_8));
            UUID sender = UUID.randomUUID();
            byte[] good = codec.encode(new EphemeralDatagram(sender, 0, event("good")));
            byte[] forged = new DatagramCodec("an-attacker-guessing-the-secret-wrong".getBytes(StandardCharsets.UTF_8))
                    .encode(new EphemeralDatagram(sender, 1, event("forged")));
            byte[] unsigned = Arrays.copyOf(good, good.length - DatagramCodec.SIGNATURE_BYTES);
            byte[] truncated = Arrays.copyOf(good, good.length / 2);
            for (byte[] d : new byte[][] {forged, unsigned, truncated, good, good}) { // the second good one is a replay
                raw.send(ByteBuffer.wrap(d), group);
            }

            JsonNode delivered = ws.next();
            assertThat(delivered.get("id").asText()).isEqualTo("good");
            assertThat(delivered.get("durability").asText()).isEqualTo("ephemeral");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String metrics = scrape(edge);
                assertThat(value(metrics, "herald_ephemeral_dropped_total{reason=\"bad-signature\"}")).isEqualTo(1.0);
                assertThat(value(metrics, "herald_ephemeral_dropped_total{reason=\"unsigned\"}")).isEqualTo(1.0);
                assertThat(value(metrics, "herald_ephemeral_dropped_total{reason=\"truncated\"}")).isEqualTo(1.0);
                assertThat(value(metrics, "herald_ephemeral_dropped_total{reason=\"replayed\"}")).isEqualTo(1.0);
                assertThat(value(metrics, "herald_ephemeral_received_total")).isEqualTo(1.0);
                assertThat(value(metrics, "herald_edge_ephemeral_deliveries_total")).isEqualTo(1.0);
            });
            assertThat(ws.poll(300)).as("nothing else reached the subscriber").isNull();
        }
    }

    @Test
    void aReaderTooSlowForEphemeralEventsMissesSomeButKeepsItsConnectionAndItsDurableEvents() throws Exception {
        String topic = log.topic();
        int lanePort = freeUdpPort();
        try (EdgeServer edge = log.edge(topic, Map.of(LaneSettings.SECRET, SECRET, LaneSettings.PORT, Integer.toString(lanePort)));
             WsTestClient stalled = WsTestClient.connectNotReading(edge.webSocketUrl());
             WsTestClient healthy = WsTestClient.connect(edge.webSocketUrl());
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET)) {
            raw.setOption(StandardSocketOptions.IP_MULTICAST_IF, LaneSettings.loopback());
            raw.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            InetSocketAddress group = new InetSocketAddress(InetAddress.getByName(LaneSettings.DEFAULT_GROUP), lanePort);
            stalled.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
            healthy.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
            assertThat(healthy.next().get("op").asText()).isEqualTo("subscribed");
            await().atMost(Duration.ofSeconds(10)).until(() -> edge.registry().get("herald.edge.subscriptions").gauge().value() == 2);

            DatagramCodec codec = new DatagramCodec(SECRET.getBytes(StandardCharsets.UTF_8));
            UUID sender = UUID.randomUUID();
            String pad = "x".repeat(1000);
            int sent = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (edge.registry().get("herald.edge.ephemeral.skipped").tag("reason", "queue").counter().count() < 1
                    && sent < 40_000 && System.nanoTime() < deadline) {
                Event e = new Event("e" + sent, "room", Event.DEFAULT_TYPE, "herald://test", Instant.now(), "application/json",
                        ("{\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8));
                raw.send(ByteBuffer.wrap(codec.encode(new EphemeralDatagram(sender, sent, e))), group);
                sent++;
                if (sent % 100 == 0) {
                    Thread.sleep(20); // about 5,000 datagrams/s: the receiver and a reading client keep up
                }
            }
            assertThat(edge.registry().get("herald.edge.ephemeral.skipped").tag("reason", "queue").counter().count())
                    .as("ephemeral frames skipped for the stalled reader after %d datagrams", sent).isGreaterThan(0);

            log.publish(topic, "room", "{\"durable\":true}");
            stalled.resumeReading();
            List<JsonNode> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                got.addAll(stalled.drained());
                return got.stream().anyMatch(f -> f.has("position") && f.at("/data/durable").asBoolean());
            });
            assertThat(got).as("the ephemeral frames queued before the skips arrive too")
                    .anyMatch(f -> "ephemeral".equals(f.path("durability").asText()));
            assertThat(stalled.closeCode()).as("still open").isNotDone();
            assertThat(edge.registry().get("herald.edge.slow.consumer.closes").counter().count()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> healthy.drained().stream().anyMatch(f -> f.at("/data/durable").asBoolean()));
        }
    }

    @Test
    void anEdgeWithoutASecretHasNoLaneAndSaysSo() throws Exception {
        try (EdgeServer edge = log.edge(log.topic(), Map.of()); WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"publish\",\"ref\":5,\"channel\":\"room\",\"data\":1}");
            JsonNode error = ws.next();
            assertThat(error.get("code").asText()).isEqualTo("ephemeral-unavailable");
            assertThat(error.get("ref").asInt()).isEqualTo(5);
        }
    }

    private static Event event(String id) {
        return new Event(id, "room", Event.DEFAULT_TYPE, "herald://test", Instant.now(), "application/json",
                "{\"presence\":\"here\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static String scrape(EdgeServer edge) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(edge.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(Double.NaN);
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
