package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every acknowledged event reaches every subscriber of its channel, live and on resume: the two
 * ways a new user lost acknowledged events, reproduced against {@code herald dev} over plain HTTP,
 * WebSocket and SSE clients.
 */
class AcknowledgedEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Ingest's default publish.max.body.bytes: the largest event it acknowledges. */
    private static final int LARGEST_EVENT_BYTES = 1_048_576;

    @TempDir
    static Path dataDir;
    static DevHerald dev;
    static String ingest;
    static String edge;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startDev() throws Exception {
        dev = DevHerald.start(dataDir);
        ingest = dev.ingest();
        edge = dev.edge();
    }

    @AfterAll
    static void stopDev() throws Exception {
        if (dev != null) {
            dev.close();
        }
    }

    /**
     * Regression: an Idempotency-Key is scoped to its channel and becomes the event id, but the edge
     * deduplicated by id alone, so the second channel's event was acknowledged and never delivered.
     */
    @Test
    void theSameIdempotencyKeyOnTwoChannelsIsDeliveredOnBothLiveAndOnResume() throws Exception {
        try (WsTestClient live = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            String a = "orders.a";
            String b = "orders.b";
            String beforeA = subscribe(live, a, null).get("position").asText();
            String beforeB = subscribe(live, b, null).get("position").asText();

            JsonNode onA = JSON.readTree(publish(a, "order-42", "application/json", "{\"paid\":1}".getBytes()).body());
            JsonNode onB = JSON.readTree(publish(b, "order-42", "application/json", "{\"paid\":2}".getBytes()).body());
            assertThat(onA.get("id").asText()).isEqualTo(onB.get("id").asText()).isEqualTo("order-42");
            HttpResponse<String> repeat = publish(b, "order-42", "application/json", "{\"paid\":2}".getBytes());
            assertThat(repeat.headers().firstValue("Idempotent-Replayed")).contains("true");

            List<JsonNode> got = List.of(live.next(), live.next());
            assertThat(got).extracting(f -> f.get("channel").asText()).containsExactlyInAnyOrder(a, b);
            assertThat(got).extracting(f -> f.get("id").asText()).containsOnly("order-42");
            assertThat(live.poll(500)).as("the replayed retry adds nothing").isNull();

            try (WsTestClient resumed = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
                assertThat(subscribe(resumed, a, beforeA).get("recovered").asBoolean()).isTrue();
                assertThat(resumed.next().at("/data/paid").asInt()).isEqualTo(1);
                assertThat(subscribe(resumed, b, beforeB).get("recovered").asBoolean()).isTrue();
                JsonNode event = resumed.next();
                assertThat(event.get("channel").asText()).isEqualTo(b);
                assertThat(event.at("/data/paid").asInt()).isEqualTo(2);
                assertThat(resumed.poll(500)).isNull();
            }
        }
    }

    /**
     * Regression: ingest accepted 1 MiB bodies, a binary one goes out as base64 (4/3 of it), and a
     * connection's queue held 1 MiB, so the subscribers of its channel were closed with 4008 on it
     * again and again, and never got the events just before it either.
     */
    @Test
    void theLargestEventIngestAcceptsIsDeliveredWithTheEventsAroundItLiveAndToAResumingSubscriber() throws Exception {
        String channel = "files";
        byte[] largest = new byte[LARGEST_EVENT_BYTES];
        new Random(42).nextBytes(largest);
        try (WsTestClient live = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            String before = subscribe(live, channel, null).get("position").asText();
            for (int n = 1; n <= 3; n++) {
                assertThat(publish(channel, null, "application/json", ("{\"n\":" + n + "}").getBytes()).statusCode()).isEqualTo(201);
            }
            HttpResponse<String> big = publish(channel, null, "application/octet-stream", largest);
            assertThat(big.statusCode()).as(big.body()).isEqualTo(201);
            assertThat(publish(channel, null, "application/json", "{\"n\":5}".getBytes()).statusCode()).isEqualTo(201);

            assertAroundTheLargest(List.of(live.next(), live.next(), live.next(), live.next(), live.next()), largest);
            assertThat(live.closeCode()).as("not closed as too slow").isNotDone();

            try (WsTestClient resumed = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
                assertThat(subscribe(resumed, channel, before).get("recovered").asBoolean()).isTrue();
                assertAroundTheLargest(List.of(resumed.next(), resumed.next(), resumed.next(), resumed.next(), resumed.next()), largest);
                assertThat(resumed.poll(500)).isNull();
            }

            HttpResponse<Stream<String>> sse = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + edge + "/v1/sse?channel=" + channel))
                    .header("Last-Event-ID", before).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(sse.statusCode()).isEqualTo(200);
            Iterator<String> data = sse.body().filter(l -> l.startsWith("data:")).map(l -> l.substring(5)).iterator();
            assertThat(JSON.readTree(data.next()).get("recovered").asBoolean()).isTrue();
            List<JsonNode> streamed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                streamed.add(JSON.readTree(data.next()));
            }
            sse.body().close();
            assertAroundTheLargest(streamed, largest);
        }
    }

    private static void assertAroundTheLargest(List<JsonNode> events, byte[] largest) {
        assertThat(events).extracting(e -> e.get("op").asText()).containsOnly("event");
        assertThat(events.get(0).at("/data/n").asInt()).isEqualTo(1);
        assertThat(events.get(1).at("/data/n").asInt()).isEqualTo(2);
        assertThat(events.get(2).at("/data/n").asInt()).isEqualTo(3);
        assertThat(events.get(3).get("encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(events.get(3).get("data").asText())).isEqualTo(largest);
        assertThat(events.get(4).at("/data/n").asInt()).isEqualTo(5);
    }

    /** Subscribes (resuming after {@code since} unless null) and returns the {@code subscribed} frame. */
    private static JsonNode subscribe(WsTestClient ws, String channel, String since) throws Exception {
        ws.send(since == null ? "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}"
                : "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + since + "\"}");
        JsonNode subscribed = ws.next();
        assertThat(subscribed.get("op").asText()).as(subscribed.toString()).isEqualTo("subscribed");
        assertThat(subscribed.get("channel").asText()).isEqualTo(channel);
        return subscribed;
    }

    private static HttpResponse<String> publish(String channel, String key, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                .header("Content-Type", contentType).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(201);
        return r;
    }

}
