package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens on every endpoint, checked from outside: {@code herald dev} as its own process with keys
 * from a JWKS server on loopback, driven by the JDK's HTTP and WebSocket clients and raw sockets,
 * with tokens signed by Nimbus as an identity provider would.
 */
class TokenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String APP_ORIGIN = "http://app.test:5173";

    @TempDir
    static Path dataDir;
    static TokenIssuer issuer;
    static DevHerald dev;
    static String ingest;
    static String edge;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TokenIssuer();
        issuer.key("k1", true);
        dev = DevHerald.start(dataDir, "--no-audit",
                "--set", "auth.mode=jwt", "--set", "auth.jwks.url=" + issuer.jwksUrl(), "--set", "auth.jwks.refetch.interval.ms=1000",
                "--set", "auth.issuer=" + TokenIssuer.ISSUER, "--set", "auth.audience=" + TokenIssuer.AUDIENCE,
                "--set", "auth.clock.skew.ms=1000", "--set", "http.allowed.origins=" + APP_ORIGIN);
        ingest = dev.ingest();
        edge = dev.edge();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dev != null) {
            dev.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    // ---- acceptance 1: the token matrix ----

    /** Every way a token can be wrong, as a client would send it. */
    private static Map<String, String> refusedTokens() throws Exception {
        JWTClaimsSet good = TokenIssuer.claims("mallory", List.of("matrix*"), List.of("matrix*"), 3600).build();
        Instant now = Instant.now();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", issuer.sign("k1", new JWTClaimsSet.Builder(good).expirationTime(Date.from(now.minusSeconds(60))).build()));
        tokens.put("not yet valid", issuer.sign("k1", new JWTClaimsSet.Builder(good).notBeforeTime(Date.from(now.plusSeconds(3600))).build()));
        tokens.put("bad signature", TokenIssuer.sign(new RSASSASigner(issuer.key("unpublished", false).getPrivate()), JWSAlgorithm.RS256,
                "k1", good));
        tokens.put("alg none", new PlainJWT(new PlainHeader(), good).serialize());
        tokens.put("HS256 keyed with the RSA public key", TokenIssuer.sign(
                new MACSigner(((RSAPublicKey) issuer.key("k1", true).getPublic()).getEncoded()), JWSAlgorithm.HS256, "k1", good));
        tokens.put("wrong issuer", issuer.sign("k1", new JWTClaimsSet.Builder(good).issuer("https://someone.else").build()));
        tokens.put("wrong audience", issuer.sign("k1", new JWTClaimsSet.Builder(good).audience("another-service").build()));
        tokens.put("unknown kid", issuer.sign("never-published", good));
        tokens.put("garbage", "not-a-token");
        return tokens;
    }

    @Test
    void eachRefusedTokenGetsItsAnswerEverywhereAndNothingOfItIsPublishedOrDelivered() throws Exception {
        String valid = issuer.sign("k1", TokenIssuer.claims("alice", List.of("matrix*"), List.of("matrix*"), 3600).build());
        try (WsTestClient watcher = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
            watcher.send("{\"op\":\"auth\",\"token\":\"" + valid + "\"}");
            assertThat(watcher.next().get("op").asText()).isEqualTo("authenticated");
            watcher.send("{\"op\":\"subscribe\",\"channel\":\"matrix\"}");
            assertThat(watcher.next().get("op").asText()).isEqualTo("subscribed");

            // no token at all
            HttpResponse<String> none = publish("matrix", null, "{\"case\":\"none\"}");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"herald\"");
            assertThat(JSON.readTree(none.body()).get("type").asText()).isEqualTo("urn:herald:problem:missing-token");
            assertThat(wsUpgradeStatus(null)).as("a WebSocket may authenticate by frame: upgraded").isEqualTo(101);
            try (WsTestClient anonymous = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
                anonymous.send("{\"op\":\"subscribe\",\"channel\":\"matrix\"}");
                assertThat(anonymous.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
            }
            assertThat(sseStatus(null, null)).isEqualTo(401);

            for (Map.Entry<String, String> c : refusedTokens().entrySet()) {
                String token = c.getValue();
                HttpResponse<String> refused = publish("matrix", token, "{\"case\":\"" + c.getKey() + "\"}");
                assertThat(refused.statusCode()).as(c.getKey()).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).as(c.getKey())
                        .startsWith("Bearer realm=\"herald\", error=\"invalid_token\"");
                assertThat(JSON.readTree(refused.body()).get("type").asText()).as(c.getKey()).isEqualTo("urn:herald:problem:invalid-token");
                assertThat(wsUpgradeStatus(token)).as(c.getKey() + " in the upgrade's header").isEqualTo(401);
                try (WsTestClient byFrame = WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws")) {
                    byFrame.send("{\"op\":\"auth\",\"token\":\"" + token + "\"}");
                    assertThat(byFrame.closeCode().get(10, TimeUnit.SECONDS)).as(c.getKey() + " in an auth frame").isEqualTo(4001);
                    assertThat(byFrame.poll(200)).as("nothing is sent to a refused token").isNull();
                }
                assertThat(sseStatus(token, null)).as(c.getKey() + " in the SSE header").isEqualTo(401);
                assertThat(sseStatus(null, token)).as(c.getKey() + " in the SSE cookie").isEqualTo(401);
            }

            HttpResponse<String> accepted = publish("matrix", valid, "{\"case\":\"valid\"}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
            JsonNode delivered = watcher.next();
            assertThat(delivered.at("/data/case").asText()).as("the only event delivered is the valid one").isEqualTo("valid");
            assertThat(watcher.poll(500)).isNull();
        }
        assertThat(sseStatus(issuer.sign("k1", TokenIssuer.claims("alice", List.of(), List.of("matrix*"), 60).build()), null))
                .isEqualTo(200);
    }

    @Test
    void aTokenInTheUrlIsRefusedSinceUrlsEndUpInLogs() throws Exception {
        String valid = issuer.sign("k1", TokenIssuer.claims("alice", List.of(), List.of("matrix*"), 3600).build());
        HttpResponse<String> sse = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + edge + "/v1/sse?channel=matrix&access_token=" + valid))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sse.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(sse.body()).get("type").asText()).isEqualTo("urn:herald:problem:token-in-url");
    }

    // ---- acceptance 2: channel permissions with {sub} ----

    @Test
    void eachUserPublishesAndFollowsOnlyTheirOwnChannels() throws Exception {
        String alice = issuer.sign("k1", TokenIssuer.claims("alice", List.of("user.{sub}.*"), List.of("user.{sub}.*"), 3600).build());

        assertThat(publish("user.alice.inbox", alice, "{\"n\":1}").statusCode()).isEqualTo(201);
        HttpResponse<String> other = publish("user.bob.inbox", alice, "{\"n\":2}");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"");
        assertThat(JSON.readTree(other.body()).get("type").asText()).isEqualTo("urn:herald:problem:forbidden");
        HttpResponse<String> ephemeral = HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/user.bob.typing/events?durability=ephemeral"))
                .header("Authorization", "Bearer " + alice).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ephemeral.statusCode()).isEqualTo(403);

        HttpResponse<String> batch = HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/v1/events"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"user.alice.inbox\",\"data\":{\"n\":3}}\n"
                        + "{\"channel\":\"user.bob.inbox\",\"data\":{\"n\":4}}\n"
                        + "{\"channel\":\"user.alice.inbox\",\"data\":{\"n\":5}}\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(batch.statusCode()).isEqualTo(200);
        List<Integer> statuses = new ArrayList<>();
        for (String line : batch.body().split("\n")) {
            statuses.add(JSON.readTree(line).get("status").asInt());
        }
        assertThat(statuses).containsExactly(201, 403, 201);

        try (WsTestClient ws = connectWithHeader(alice)) {
            ws.send("{\"op\":\"subscribe\",\"ref\":1,\"channel\":\"user.bob.inbox\"}");
            JsonNode denied = ws.next();
            assertThat(denied.get("op").asText()).isEqualTo("error");
            assertThat(denied.get("code").asText()).isEqualTo("forbidden");
            ws.send("{\"op\":\"publish\",\"ref\":2,\"channel\":\"user.bob.typing\",\"data\":{}}");
            JsonNode deniedPublish = ws.next();
            assertThat(deniedPublish.get("code").asText()).isEqualTo("forbidden");
            assertThat(deniedPublish.get("ref").asInt()).isEqualTo(2);
            ws.send("{\"op\":\"subscribe\",\"ref\":3,\"channel\":\"user.alice.inbox\"}");
            assertThat(ws.next().get("op").asText()).as("the connection lives on").isEqualTo("subscribed");
        }
        assertThat(sseStatus(alice, null, "user.bob.inbox")).isEqualTo(403);
        assertThat(sseStatus(alice, null, "user.alice.inbox")).isEqualTo(200);
    }

    // ---- acceptance 3: refresh and expiry ----

    @Test
    void aRefreshedWebSocketKeepsItsSubscriptionsWithNoGapAndAnUnrefreshedOneIsClosedWith4001ThenResumes() throws Exception {
        String publisher = issuer.sign("k1", TokenIssuer.claims("pub", List.of("expiry.*"), List.of(), 3600).build());
        String shortLived = issuer.sign("k1", TokenIssuer.claims("carol", List.of(), List.of("expiry.*"), 4).build());
        try (WsTestClient refreshed = connectWithHeader(shortLived); WsTestClient expiring = connectWithHeader(shortLived)) {
            for (WsTestClient ws : List.of(refreshed, expiring)) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"expiry.a\"}");
                assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
            int n = 0;
            boolean sentRefresh = false;
            while (System.nanoTime() < until) {
                assertThat(publish("expiry.a", publisher, "{\"n\":" + (++n) + "}").statusCode()).isEqualTo(201);
                if (!sentRefresh && n == 5) {
                    refreshed.send("{\"op\":\"refresh\",\"ref\":\"r\",\"token\":\""
                            + issuer.sign("k1", TokenIssuer.claims("carol", List.of(), List.of("expiry.*"), 3600).build()) + "\"}");
                    sentRefresh = true;
                }
                Thread.sleep(100);
            }
            int published = n;
            assertThat(expiring.closeCode().get(5, TimeUnit.SECONDS)).as("not refreshed: closed at expiry").isEqualTo(4001);
            List<Integer> seen = new ArrayList<>();
            boolean authenticated = false;
            while (seen.size() < published) {
                JsonNode f = refreshed.next();
                if (f.get("op").asText().equals("authenticated")) {
                    authenticated = true;
                    assertThat(f.get("ref").asText()).isEqualTo("r");
                } else {
                    assertThat(f.get("op").asText()).as(f.toString()).isEqualTo("event");
                    seen.add(f.at("/data/n").asInt());
                }
            }
            assertThat(authenticated).isTrue();
            assertThat(seen).as("refreshed: every event, in order, no gap").isEqualTo(range(1, published));
            assertThat(refreshed.closeCode()).isNotDone();

            List<JsonNode> before = new ArrayList<>();
            for (JsonNode f = expiring.poll(200); f != null; f = expiring.poll(200)) {
                before.add(f);
            }
            String last = before.get(before.size() - 1).get("position").asText();
            int lastN = before.get(before.size() - 1).at("/data/n").asInt();
            String renewed = issuer.sign("k1", TokenIssuer.claims("carol", List.of(), List.of("expiry.*"), 3600).build());
            try (WsTestClient again = connectWithHeader(renewed)) {
                again.send("{\"op\":\"subscribe\",\"channel\":\"expiry.a\",\"since\":\"" + last + "\"}");
                List<Integer> resumed = new ArrayList<>();
                while (resumed.size() < published - lastN) {
                    JsonNode f = again.next();
                    if (f.get("op").asText().equals("event")) {
                        resumed.add(f.at("/data/n").asInt());
                    } else {
                        assertThat(f.get("recovered").asBoolean()).as(f.toString()).isTrue();
                    }
                }
                assertThat(resumed).as("the resume after 4001 misses nothing").isEqualTo(range(lastN + 1, published));
            }
        }
    }

    @Test
    void aRefreshThatAllowsLessUnsubscribesWhatItNoLongerAllows() throws Exception {
        String both = issuer.sign("k1", TokenIssuer.claims("dave", List.of(), List.of("narrow.a", "narrow.b"), 3600).build());
        String onlyA = issuer.sign("k1", TokenIssuer.claims("dave", List.of(), List.of("narrow.a"), 3600).build());
        try (WsTestClient ws = connectWithHeader(both)) {
            for (String c : List.of("narrow.a", "narrow.b")) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"" + c + "\"}");
                assertThat(ws.next().get("op").asText()).isEqualTo("subscribed");
            }
            ws.send("{\"op\":\"refresh\",\"token\":\"" + onlyA + "\"}");
            assertThat(ws.next().get("op").asText()).isEqualTo("authenticated");
            JsonNode unsubscribed = ws.next();
            assertThat(unsubscribed.get("op").asText()).isEqualTo("unsubscribed");
            assertThat(unsubscribed.get("channel").asText()).isEqualTo("narrow.b");
            assertThat(unsubscribed.get("reason").asText()).isEqualTo("forbidden");
        }
    }

    // ---- acceptance 4: key rotation ----

    @Test
    void aKeyTheIssuerPublishesLaterIsAcceptedWithoutARestart() throws Exception {
        issuer.key("k2", false);
        String withK2 = issuer.sign("k2", TokenIssuer.claims("erin", List.of("rotation"), List.of("rotation"), 3600).build());
        assertThat(publish("rotation", withK2, "{}").statusCode()).isEqualTo(401);
        assertThat(wsUpgradeStatus(withK2)).isEqualTo(401);

        issuer.key("k2", true); // the issuer rotates: its JWKS now lists k2
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> publish("rotation", withK2, "{}").statusCode() == 201);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> wsUpgradeStatus(withK2) == 101);
        assertThat(sseStatus(withK2, null, "rotation")).isEqualTo(200);
    }

    // ---- origins ----

    @Test
    void aWebSocketUpgradeFromAnOriginNotAllowedIsRefusedAndOneWithoutOriginIsNot() throws Exception {
        assertThat(rawUpgradeStatus("https://evil.test")).isEqualTo(403);
        assertThat(rawUpgradeStatus(APP_ORIGIN)).isEqualTo(101);
        assertThat(rawUpgradeStatus(null)).isEqualTo(101);
    }

    @Test
    void ingestAnswersAPreflightFromAnAllowedOriginAndRefusesOthers() throws Exception {
        String allowed = rawRequest(ingest, "OPTIONS /v1/channels/demo/events HTTP/1.1", "Origin: " + APP_ORIGIN,
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization, content-type");
        assertThat(allowed).startsWith("HTTP/1.1 204").contains("Access-Control-Allow-Origin: " + APP_ORIGIN)
                .containsIgnoringCase("Access-Control-Allow-Headers: Authorization, Content-Type, Idempotency-Key");
        String refused = rawRequest(ingest, "OPTIONS /v1/channels/demo/events HTTP/1.1", "Origin: https://evil.test",
                "Access-Control-Request-Method: POST");
        assertThat(refused).startsWith("HTTP/1.1 403").doesNotContain("Access-Control-Allow-Origin");
    }

    // ---- helpers ----

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            r.add(i);
        }
        return r;
    }

    private static HttpResponse<String> publish(String channel, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WsTestClient connectWithHeader(String token) {
        return WsTestClient.connect(HTTP, "ws://" + edge + "/v1/ws", "Bearer " + token);
    }

    /** The status of a WebSocket upgrade with {@code token} in its header (101 when it opened). */
    private static int wsUpgradeStatus(String token) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            WebSocket ws = builder.buildAsync(URI.create("ws://" + edge + "/v1/ws"), new WebSocket.Listener() { }).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static int sseStatus(String headerToken, String cookieToken) throws Exception {
        return sseStatus(headerToken, cookieToken, "matrix");
    }

    /** The status of an SSE request with the token in a header or cookie; a stream that opens is closed at once. */
    private static int sseStatus(String headerToken, String cookieToken, String channel) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + edge + "/v1/sse?channel=" + channel))
                .timeout(Duration.ofSeconds(10));
        if (headerToken != null) {
            request.header("Authorization", "Bearer " + headerToken);
        }
        if (cookieToken != null) {
            request.header("Cookie", "herald_token=" + cookieToken);
        }
        HttpResponse<InputStream> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    /** A WebSocket upgrade over a raw socket, as a browser page on {@code origin} would send it; returns the status. */
    private static int rawUpgradeStatus(String origin) throws IOException {
        List<String> headers = new ArrayList<>(List.of("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
        if (origin != null) {
            headers.add("Origin: " + origin);
        }
        String answer = rawRequest("http://" + edge, "GET /v1/ws HTTP/1.1", headers.toArray(String[]::new));
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** Sends one request line and headers over a raw socket; returns the answer's head. */
    private static String rawRequest(String base, String requestLine, String... headers) throws IOException {
        URI uri = URI.create(base);
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(requestLine).append("\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort())
                    .append("\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line).append("\r\n");
            }
            return head.toString();
        }
    }

}
