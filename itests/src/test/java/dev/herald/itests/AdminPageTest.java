package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.auth.TokenMinter;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin page of {@code herald dev --auth} in headless Chromium. A caller without the admin
 * permission gets neither the page nor its data: no token is 401, a token without
 * {@code herald.admin} is 403, on both services, over raw HTTP and in the browser after signing in
 * with it. An operator who signs in (the form at {@code /admin/login}) with an admin token sees the
 * page render both services (each is the other's peer in dev mode) with their sections, and its
 * figures (deliveries a second, publishes a second, connections, the busiest channel) move while a
 * publisher and WebSocket subscribers run.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@link HeadlessChromium.Installed}).
 */
@ExtendWith(HeadlessChromium.Installed.class)
class AdminPageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOAD_CHANNEL = "admin.load";
    private static final int SUBSCRIBERS = 4;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profileDir;
    static DevHerald dev;
    static HeadlessChromium chromium;
    static String edge;
    static String adminToken;
    static String userToken;

    @BeforeAll
    static void start() throws Exception {
        dev = DevHerald.start(dataDir, "--auth");
        edge = "http://" + dev.edge();
        String secret = Files.readString(dataDir.resolve("auth.secret"), StandardCharsets.US_ASCII).strip();
        TokenMinter minter = TokenMinter.hmac(secret);
        adminToken = minter.mint("ops", List.of(), List.of(), true, null, null, Instant.now(), Duration.ofMinutes(30));
        userToken = minter.mint("user", List.of("admin.*"), List.of("admin.*"), false, null, null, Instant.now(), Duration.ofMinutes(30));
        chromium = HeadlessChromium.start(profileDir);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    void aCallerWithoutTheAdminPermissionGetsNeitherThePageNorItsStatus() {
        for (String service : List.of(dev.ingest(), edge)) {
            for (String path : List.of("/admin", "/admin/status")) {
                assertThat(HttpTestClient.get(service + path).statusCode()).as("no token: %s%s", service, path).isEqualTo(401);
                HttpResponse<String> plain = HttpTestClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service + path))
                        .header("Authorization", "Bearer " + userToken).build());
                assertThat(plain.statusCode()).as("a token without herald.admin: %s%s", service, path).isEqualTo(403);
                assertThat(plain.body()).contains("herald.admin");
            }
        }

        signIn(""); // signed out (an empty form clears the cookie), whatever ran before
        assertThat(pageText()).as("the page without a token").contains("\"status\":401").contains("missing-token")
                .doesNotContain("Busiest channels");

        signIn(userToken);
        assertThat(pageText()).as("the page with a token without herald.admin").contains("\"status\":403").contains("herald.admin")
                .doesNotContain("Busiest channels");
        chromium.open(dev.ingest() + "/admin"); // the sign-in's cookie is the host's: ingest's page refuses it too
        assertThat(pageText()).contains("\"status\":403");
    }

    @Test
    void anAdminSeesBothServicesAndTheirFiguresMoveWhileLoadRuns() throws Exception {
        HttpResponse<String> status = HttpTestClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(edge + "/admin/status"))
                .header("Authorization", "Bearer " + adminToken).build());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode services = Json.parse(status.body()).get("services");
        assertThat(services.findValuesAsText("service")).containsExactly("edge", "ingest");

        signIn(adminToken);
        await("the page shows the edge and ingest").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(chromium.run("return document.querySelector('section[data-service=\"edge\"]') !== null"
                        + " && document.querySelector('section[data-service=\"ingest\"]') !== null;")));
        assertThat(pageText()).contains("Lag per partition", "Store and consumer", "Delivery auditor", "Busiest channels",
                "Publishes by result", "Kafka ack p99");
        double connectionsBefore = figure("edge", "connections");
        assertThat(connectionsBefore).as("connections before the load: the auditor's WebSocket").isGreaterThanOrEqualTo(1);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger published = new AtomicInteger();
        List<WsTestClient> subscribers = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        Thread publisher = new Thread(() -> {
            while (running.get()) {
                HttpTestClient.post(dev.ingest() + "/v1/channels/" + LOAD_CHANNEL + "/events", "{\"n\":" + published.get() + "}",
                        "Authorization", "Bearer " + userToken, "Content-Type", "application/json");
                published.incrementAndGet();
                try {
                    Thread.sleep(20); // pacing the load, about 50 a second at most; nothing is judged by it
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "admin-load-publisher");
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                WsTestClient ws = WsTestClient.connect(http, dev.webSocketUrl(), "Bearer " + userToken);
                subscribers.add(ws);
                ws.subscribe(LOAD_CHANNEL, null);
                assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");
            }
            publisher.start();
            await("the figures move with the load").atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(figure("edge", "connections")).as("connections").isEqualTo(connectionsBefore + SUBSCRIBERS);
                assertThat(figure("ingest", "publishesPerSecond")).as("publishes a second").isGreaterThan(5);
                assertThat(figure("edge", "deliveriesPerSecond")).as("deliveries a second").isGreaterThan(5 * SUBSCRIBERS);
                assertThat(text("section[data-service=\"edge\"] [data-table=\"channels\"]")).as("busiest channels").contains(LOAD_CHANNEL);
            });
        } finally {
            running.set(false);
            publisher.join(30_000);
            subscribers.forEach(WsTestClient::close);
        }
        await("the figures fall back once the load stops").atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(figure("edge", "connections")).isEqualTo(connectionsBefore);
            assertThat(figure("edge", "deliveriesPerSecond")).isLessThan(5);
        });
    }

    // ---- helpers ----

    /** Signs in on the edge's form with {@code token}, as an operator would, and waits for the page it leads to. */
    private static void signIn(String token) {
        chromium.open(edge + "/admin/login");
        chromium.run("document.getElementById('token').value = arguments[0]; document.getElementById('sign-in').click();", token);
        await("the sign-in leads to /admin").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> Boolean.TRUE.equals(chromium.run("return location.pathname === '/admin' && document.readyState === 'complete';")));
    }

    private static String pageText() {
        return (String) chromium.run("return document.body.innerText;");
    }

    private static String text(String selector) {
        Object text = chromium.run("const e = document.querySelector(arguments[0]); return e === null ? null : e.textContent;", selector);
        return text == null ? "" : (String) text;
    }

    /** A figure of a service's section as the page shows it, as a number ({@code NaN} before it shows). */
    private static double figure(String service, String name) {
        String shown = text("section[data-service=\"" + service + "\"] [data-figure=\"" + name + "\"]").replace(",", "").strip();
        try {
            return Double.parseDouble(shown);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
