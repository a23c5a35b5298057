package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abusive clients meet their limits, and others do not notice: {@code herald dev} as its own
 * process with small limits, flooded from outside with the JDK's HTTP and WebSocket clients.
 */
class LimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CONNECTIONS_PER_ADDRESS = 6;

    @TempDir
    static Path dataDir;
    static DevHerald dev;
    static String ingest;
    static String edge;

    @BeforeAll
    static void start() throws Exception {
        dev = DevHerald.start(dataDir, "--no-audit",
                "--set", "limits.publish.rate=5/s burst 5",
                "--edge-set", "limits.ws.frame.rate=20/s burst 20", "--edge-set", "limits.ws.close.after.refusals=5",
                "--edge-set", "limits.connections.per.address=" + CONNECTIONS_PER_ADDRESS,
                "--edge-set", "limits.new.connections.rate=100/s burst 100");
        ingest = dev.ingest();
        edge = dev.edge();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    void aPublishFloodIsAnswered429WithRetryAfterAndNothingOfItIsPublished() throws Exception {
        try (WsTestClient reader = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            reader.send("{\"op\":\"subscribe\",\"channel\":\"flood.p\"}");
            assertThat(reader.next().get("op").asText()).isEqualTo("subscribed");
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> limited = null;
            for (int i = 0; i < 12; i++) {
                HttpResponse<String> r = publish("flood.p", "{\"i\":" + i + "}");
                statuses.add(r.statusCode());
                if (r.statusCode() == 429 && limited == null) {
                    limited = r;
                }
            }
            assertThat(statuses.subList(0, 5)).as("the burst passes").containsOnly(201);
            assertThat(statuses).contains(429);
            assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 2L);
            assertThat(JSON.readTree(limited.body()).get("type").asText()).isEqualTo("urn:herald:problem:rate-limited");
            long accepted = statuses.stream().filter(s -> s == 201).count();
            List<JsonNode> events = new ArrayList<>();
            for (JsonNode f = reader.poll(3_000); f != null; f = reader.poll(1_000)) {
                events.add(f);
            }
            assertThat(events).as("every 201 is delivered, and nothing refused").hasSize((int) accepted)
                    .allSatisfy(f -> assertThat(f.get("op").asText()).isEqualTo("event"));
            Thread.sleep(1_200);
            assertThat(publish("flood.p", "{\"after\":true}").statusCode()).as("the bucket refills").isEqualTo(201);
        }
    }

    @Test
    void aClientFloodingFramesIsClosedWith4029WhileAnotherSubscriberIsUnaffected() throws Exception {
        try (WsTestClient calm = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws");
             WsTestClient flooder = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            calm.send("{\"op\":\"subscribe\",\"channel\":\"flood.f\"}");
            assertThat(calm.next().get("op").asText()).isEqualTo("subscribed");
            // faster than its 20 frames a second, but paced so that the edge's answers are written between frames
            for (int i = 0; i < 400 && !flooder.closeCode().isDone(); i++) {
                try {
                    flooder.send("{\"op\":\"unsubscribe\",\"channel\":\"nothing\"}");
                } catch (CompletionException e) {
                    break; // the edge closed it meanwhile
                }
                Thread.sleep(5);
            }
            assertThat(flooder.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4029);
            boolean sawRateLimited = false;
            for (JsonNode f = flooder.poll(100); f != null; f = flooder.poll(100)) {
                sawRateLimited |= "rate-limited".equals(f.path("code").asText());
            }
            assertThat(sawRateLimited).as("error frames came before the close").isTrue();

            Thread.sleep(1_100); // the publish bucket of this address is shared with the other test
            assertThat(publish("flood.f", "{\"n\":1}").statusCode()).isEqualTo(201);
            JsonNode delivered = calm.next();
            assertThat(delivered.at("/data/n").asInt()).isEqualTo(1);
            assertThat(calm.closeCode()).isNotDone();
        }
    }

    @Test
    void oneAddressCannotOpenMoreThanItsCap() throws Exception {
        List<WebSocket> open = new ArrayList<>();
        try {
            int refusedStatus = 0;
            String retryAfter = null;
            for (int i = 0; i < CONNECTIONS_PER_ADDRESS + 3; i++) {
                try {
                    open.add(HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://" + edge + "/v1/ws"), new WebSocket.Listener() { })
                            .join());
                } catch (CompletionException e) {
                    WebSocketHandshakeException h = (WebSocketHandshakeException) e.getCause();
                    refusedStatus = h.getResponse().statusCode();
                    retryAfter = h.getResponse().headers().firstValue("Retry-After").orElse(null);
                    break;
                }
            }
            assertThat(open).hasSizeLessThanOrEqualTo(CONNECTIONS_PER_ADDRESS);
            assertThat(refusedStatus).isEqualTo(429);
            assertThat(retryAfter).isNotNull();
            HttpResponse<Void> sse = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + edge + "/v1/sse?channel=cap")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(sse.statusCode()).as("SSE streams count too").isEqualTo(429);
        } finally {
            open.forEach(WebSocket::abort);
        }
        // once they are closed, the address may connect again
        Thread.sleep(500);
        try (WsTestClient again = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            again.send("{\"op\":\"subscribe\",\"channel\":\"cap\"}");
            assertThat(again.next().get("op").asText()).isEqualTo("subscribed");
        }
    }

    private static HttpResponse<String> publish(String channel, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
