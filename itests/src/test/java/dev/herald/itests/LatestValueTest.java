package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's acceptance 1 and 2 through {@code herald dev} as its own process (broker, ingest,
 * streams service and edge), as a user runs it: a channel's latest value survives a restart of
 * everything and is sent first to a subscriber that asks for it; once cleared, the edge has none.
 */
class LatestValueTest {

    @TempDir
    Path dataDir;

    @Test
    void theThirdOfThreeEventsIsSentFirstAsRetainedAfterARestartOfEverythingAndNothingAfterItsClear() throws Exception {
        DevHerald dev = DevHerald.start(dataDir);
        try {
            List<String> ids = new ArrayList<>();
            for (int km = 1; km <= 3; km++) {
                ids.add(publish(dev, "{\"km\":" + km + "}").get("id").asText());
            }
            awaitLatest(dev, ids.get(2));

            dev = dev.restart();
            awaitLatest(dev, ids.get(2)); // the edge read herald.latest again from its start

            try (WsTestClient ws = WsTestClient.connect(dev.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"car-1\",\"last\":true}");
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("op").asText()).isEqualTo("subscribed");
                assertThat(subscribed.get("retained").asBoolean()).isTrue();
                JsonNode retained = ws.next();
                assertThat(retained.get("retained").asBoolean()).isTrue();
                assertThat(retained.get("id").asText()).isEqualTo(ids.get(2));
                assertThat(retained.at("/data/km").asInt()).isEqualTo(3);

                String fourth = publish(dev, "{\"km\":4}").get("id").asText();
                JsonNode live = ws.next();
                assertThat(live.get("id").asText()).isEqualTo(fourth);
                assertThat(live.has("retained")).isFalse();
                assertThat(ws.poll(500)).as("no repeats").isNull();
            }

            HttpResponse<String> cleared = HttpTestClient.send(HttpRequest.newBuilder(URI.create(dev.ingest() + "/v1/channels/car-1/latest"))
                    .timeout(HttpTestClient.REQUEST_TIMEOUT).DELETE().build());
            assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(204);
            DevHerald running = dev;
            await().atMost(Duration.ofSeconds(60)).until(() -> latest(running).statusCode() == 404);
            assertThat(latest(dev).headers().firstValue("Content-Type")).hasValue("application/problem+json");

            try (WsTestClient ws = WsTestClient.connect(dev.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"car-1\",\"last\":true}");
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("retained").asBoolean()).isFalse();
                assertThat(subscribed.get("retained_reason").asText()).isEqualTo("none");
                String fifth = publish(dev, "{\"km\":5}").get("id").asText();
                JsonNode live = ws.next();
                assertThat(live.get("id").asText()).as("nothing retained came first").isEqualTo(fifth);
                assertThat(live.has("retained")).isFalse();
            }
        } finally {
            dev.close();
        }
    }

    private static JsonNode publish(DevHerald dev, String json) {
        HttpResponse<String> r = HttpTestClient.post(dev.ingest() + "/v1/channels/car-1/events", json, "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return HttpTestClient.json(r);
    }

    private static HttpResponse<String> latest(DevHerald dev) {
        return HttpTestClient.get("http://" + dev.edge() + "/v1/channels/car-1/latest");
    }

    /** Waits until the edge answers {@code id} as car-1's latest value (the streams service and the edge's copy have it). */
    private static void awaitLatest(DevHerald dev, String id) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            HttpResponse<String> r = latest(dev);
            return r.statusCode() == 200 && HttpTestClient.json(r).get("id").asText().equals(id);
        });
    }
}
