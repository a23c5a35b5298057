package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testkit.FreePorts;
import dev.herald.testkit.SseTestClient;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The containers as a user runs them: images built from {@code docker/Dockerfile.*} and the
 * launcher jar, {@code docker/compose.yaml} up (broker, ingest, two edges), then the README's
 * publish and subscribe examples against it as written, by clients outside the containers, and
 * {@code down -v}.
 *
 * <p>The compose file fixes its loopback ports (ingest 8080, edges 8081 and 8083, Kafka 9092 and
 * 9093), the ones {@code ./herald dev} and the README use; every other test takes free ports, and
 * surefire runs one test class at a time, so only something outside this build can hold them: the
 * test fails first, naming the port. Needs a Docker engine and a Compose command: without them
 * it is skipped on a developer's machine and fails in CI ({@link ComposeStack.Available}).
 */
@ExtendWith(ComposeStack.Available.class)
class ComposeStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = "herald-itest";
    private static final String INGEST = "http://127.0.0.1:8080";
    private static final String EDGE_1_SSE = "http://127.0.0.1:8081/v1/sse?channel=demo";
    private static final String EDGE_2_WS = "ws://127.0.0.1:8083/v1/ws";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anEventPublishedToIngestReachesSseOnTheFirstEdgeAndAWebSocketOnTheSecond() throws Exception {
        FreePorts.requireFree("the compose stack (docker/compose.yaml)", 8080, 8081, 8083, 9092, 9093);
        try (ComposeStack stack = ComposeStack.project(PROJECT)) {
            long buildStart = System.nanoTime();
            stack.build(Duration.ofMinutes(10));
            long upStart = System.nanoTime();
            stack.up(Duration.ofMinutes(5));
            stack.awaitHealthy(Duration.ofMinutes(3), "broker", "ingest", "edge-1", "edge-2");
            System.out.printf("compose stack on %s: images built in %d s, healthy %d s after up%n",
                    stack.baseImage() == null ? "the Dockerfiles' default base image" : stack.baseImage(),
                    TimeUnit.NANOSECONDS.toSeconds(upStart - buildStart), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - upStart));
            try {
                publishAndReceiveOnBothEdges();
            } catch (AssertionError | Exception e) {
                e.addSuppressed(new AssertionError("compose logs:\n" + stack.logs()));
                throw e;
            }
        }
    }

    private static void publishAndReceiveOnBothEdges() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        try (SseTestClient sse = SseTestClient.connect(EDGE_1_SSE, null);
             WsTestClient ws = WsTestClient.connect(http, EDGE_2_WS)) {
            assertThat(sse.status()).isEqualTo(200);
            JsonNode sseSubscribed = sse.next().json();
            assertThat(sseSubscribed.path("op").asText()).as(sseSubscribed.toString()).isEqualTo("subscribed");
            assertThat(sseSubscribed.path("channel").asText()).isEqualTo("demo");

            ws.send("{\"op\":\"subscribe\",\"channel\":\"demo\"}");
            JsonNode wsSubscribed = ws.next();
            assertThat(wsSubscribed.path("op").asText()).as(wsSubscribed.toString()).isEqualTo("subscribed");
            assertThat(wsSubscribed.path("channel").asText()).isEqualTo("demo");

            // the README's publish: curl -X POST -H 'Content-Type: application/json' --data '{"hello":"world"}' .../channels/demo/events
            String payload = "{\"hello\":\"world\"}";
            HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(INGEST + "/v1/channels/demo/events"))
                    .header("Content-Type", "application/json").timeout(DELIVERY)
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            JsonNode ack = JSON.readTree(published.body());

            assertDelivered("SSE stream of edge 1 (8081)", sse.next().json(), ack, payload);
            assertDelivered("WebSocket of edge 2 (8083)", ws.next(), ack, payload);
        }
    }

    /** {@code frame} is the event ingest acknowledged with {@code ack}: same id, channel, position and payload. */
    private static void assertDelivered(String where, JsonNode frame, JsonNode ack, String payload) {
        assertThat(frame.path("op").asText()).as("%s: %s", where, frame).isEqualTo("event");
        assertThat(frame.path("id").asText()).as(where).isEqualTo(ack.path("id").asText());
        assertThat(frame.path("channel").asText()).as(where).isEqualTo("demo");
        assertThat(frame.path("position").asText()).as(where).isEqualTo(ack.path("position").asText());
        assertThat(frame.path("data").toString()).as(where).isEqualTo(payload);
    }
}
