package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser on pages from other origins, with tokens on. {@code herald dev --auth} allows
 * one web origin, A; two page servers on loopback, A and B, serve the same page with the same
 * valid token. Headless Chromium (Selenium, {@link HeadlessChromium}) loads it, and the page uses
 * Herald as a web application would: it publishes with {@code fetch} (an {@code Authorization}
 * header, so a CORS preflight), and follows its channel with an {@code EventSource} (the token in
 * the HttpOnly cookie its server set, sent by {@code withCredentials}) and with a WebSocket (the
 * token in the first frame).
 *
 * <p>From A all three work and both streams receive the event fetch published. From B the browser
 * is refused all three, so the origin alone decides, and nothing B tried to publish reaches a
 * subscriber.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}: without them the class is
 * skipped on a developer's machine and fails in CI ({@link HeadlessChromium.Installed}).
 */
@ExtendWith(HeadlessChromium.Installed.class)
class BrowserCrossOriginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** {@code EventSource.CLOSED}: the browser gave up and will not reconnect. */
    private static final int EVENT_SOURCE_CLOSED = 2;
    /** The close code a browser reports for a WebSocket that never opened or broke without a close frame. */
    private static final int ABNORMAL_CLOSURE = 1006;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profileDir;
    static PageServer allowedOrigin;
    static PageServer otherOrigin;
    static DevHerald dev;
    static HeadlessChromium chromium;
    static String ingest;
    static String edge;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        allowedOrigin = new PageServer();
        otherOrigin = new PageServer();
        dev = DevHerald.start(dataDir, "--auth", "--no-audit", "--set", "http.allowed.origins=" + allowedOrigin.origin());
        ingest = dev.ingest();
        edge = dev.edge();
        token = devToken("browser-user", List.of("browser.*"), List.of("browser.*"));

        String page = page(Map.of("ingest", ingest, "edge", "http://" + edge, "ws", "ws://" + edge, "token", token));
        allowedOrigin.serve(page, token);
        otherOrigin.serve(page, token);
        chromium = HeadlessChromium.start(profileDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (dev != null) {
            dev.close();
        }
        for (PageServer server : new PageServer[] {allowedOrigin, otherOrigin}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aPageFromTheAllowedOriginPublishesWithFetchAndReceivesTheEventOnEventSourceAndWebSocket() throws Exception {
        chromium.open(allowedOrigin.pageUrl("browser.allowed"));
        JsonNode following = awaitReport("EventSource and WebSocket subscribed",
                r -> r.at("/sse/subscribed").asBoolean() && r.at("/ws/subscribed").asBoolean());
        assertThat(following.get("cookieVisibleToScript").asBoolean()).as("the token cookie is HttpOnly").isFalse();

        JsonNode published = publishFromPage(Map.of("from", "allowed"));
        assertThat(published.path("status").asInt()).as(published.toString()).isEqualTo(201);

        JsonNode report = awaitReport("the event on both streams",
                r -> r.at("/sse/events").size() > 0 && r.at("/ws/events").size() > 0);
        for (String stream : List.of("sse", "ws")) {
            JsonNode events = report.at("/" + stream + "/events");
            assertThat(events).as(stream).hasSize(1);
            assertThat(events.get(0).get("id").asText()).as(stream).isEqualTo(published.at("/body/id").asText());
            assertThat(events.get(0).get("position").asText()).as(stream).isEqualTo(published.at("/body/position").asText());
            assertThat(events.get(0).get("data")).as(stream).isEqualTo(JSON.readTree("{\"from\":\"allowed\"}"));
            assertThat(report.at("/" + stream + "/errors").asInt()).as(stream + " errors").isZero();
            assertThat(report.at("/" + stream + "/others")).as(stream + ": no error frames").isEmpty();
        }
        assertThat(report.at("/ws/closeCode").isNull()).as("the WebSocket is still open").isTrue();
    }

    @Test
    void aPageFromAnotherOriginIsRefusedFetchEventSourceAndWebSocketAndPublishesNothing() throws Exception {
        String channel = "browser.other";
        try (WsTestClient watcher = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws", "Bearer " + token)) {
            watcher.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            assertThat(watcher.next().get("op").asText()).isEqualTo("subscribed");

            chromium.open(otherOrigin.pageUrl(channel));
            JsonNode report = awaitReport("EventSource closed and WebSocket closed",
                    r -> r.at("/sse/readyStateAtError").isInt() && r.at("/sse/readyStateAtError").asInt() == EVENT_SOURCE_CLOSED
                            && r.at("/ws/closeCode").isInt());
            assertThat(report.at("/sse/opened").asBoolean()).as("EventSource opened").isFalse();
            assertThat(report.at("/sse/events")).isEmpty();
            assertThat(report.at("/ws/opened").asBoolean()).as("WebSocket opened").isFalse();
            assertThat(report.at("/ws/closeCode").asInt()).isEqualTo(ABNORMAL_CLOSURE);
            assertThat(report.at("/ws/events")).isEmpty();

            JsonNode published = publishFromPage(Map.of("from", "other"));
            assertThat(published.has("status")).as("the page saw no answer: " + published).isFalse();
            assertThat(published.path("error").asText()).as("fetch rejected by the browser").startsWith("TypeError");

            // Ordered channel: if B's publish had been written, it would come before this one.
            HttpResponse<String> after = publish(channel, "{\"from\":\"test\"}");
            assertThat(after.statusCode()).isEqualTo(201);
            JsonNode first = watcher.next();
            assertThat(first.get("op").asText()).isEqualTo("event");
            assertThat(first.at("/data/from").asText()).as("the first event on the channel").isEqualTo("test");
        }
        assertThat(report().at("/sse/events")).as("still nothing delivered to the page").isEmpty();
    }

    // ---- helpers ----

    /** The page with {@code config} (ingest, edge, ws, token) in place of its placeholder. */
    private static String page(Map<String, String> config) throws IOException {
        try (InputStream in = BrowserCrossOriginTest.class.getResourceAsStream("/browser/herald-page.html")) {
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return html.replace("/*HERALD_CONFIG*/", JSON.writeValueAsString(config));
        }
    }

    /** A token signed HS256 with the secret {@code herald dev --auth} keeps in its data folder, valid for 10 minutes. */
    private static String devToken(String subject, List<String> publish, List<String> subscribe) throws Exception {
        String secret = Files.readString(dataDir.resolve("auth.secret"), StandardCharsets.US_ASCII).strip();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("herald", Map.of("pub", publish, "sub", subscribe)).build();
        return TokenIssuer.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null, claims);
    }

    /** What the page has seen so far: its {@code window.heraldReport}. */
    private static JsonNode report() throws IOException {
        return JSON.readTree((String) chromium.run("return JSON.stringify(window.heraldReport);"));
    }

    /** Polls the page's report until {@code condition} holds; fails after {@link #WAIT} with the last report. */
    private static JsonNode awaitReport(String what, Predicate<JsonNode> condition) {
        return await(what).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(BrowserCrossOriginTest::report, condition);
    }

    /** Calls the page's {@code publish(data)}: {@code {status, body}} when ingest answered the page, else {@code {error}}. */
    private static JsonNode publishFromPage(Map<String, Object> data) throws IOException {
        return JSON.readTree((String) chromium.runAsync(
                "const done = arguments[arguments.length - 1]; window.publish(arguments[0]).then(r => done(JSON.stringify(r)));", data));
    }

    private static HttpResponse<String> publish(String channel, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
