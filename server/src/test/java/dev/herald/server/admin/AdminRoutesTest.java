package dev.herald.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.herald.server.auth.AuthKeys;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.TokenMinter;
import dev.herald.server.auth.TokenVerifier;
import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin routes with tokens on: the status carries this service's figures and each peer's,
 * asked with the caller's token, a peer that is down or too slow shown as down within the timeout;
 * the sign-in keeps a token in an HttpOnly cookie for /admin, which then opens the status, and
 * takes a form from its own origin only.
 */
class AdminRoutesTest {

    private static final String SECRET = "an-admin-routes-test-secret-of-32-bytes";
    private static final Duration PEER_TIMEOUT = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<String> peerSawAuthorization = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer peer;
    private HttpServer slowPeer;
    private Undertow server;
    private String url;
    private String deadPeer;

    @BeforeEach
    void start() throws IOException {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/admin/status", exchange -> {
            peerSawAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization") + " " + exchange.getRequestURI().getQuery());
            answer(exchange, "{\"services\":[{\"service\":\"ingest\",\"id\":\"peer\"}]}");
        });
        peer.start();
        slowPeer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slowPeer.createContext("/admin/status", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS); // answers only once the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, "{}");
        });
        slowPeer.start();
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPeer = "http://127.0.0.1:" + free.getLocalPort(); // closed again: nothing listens there
        }
        AdminPeers peers = new AdminPeers(List.of(base(peer), deadPeer, base(slowPeer)), PEER_TIMEOUT);
        Authenticator tokens = Authenticator.verifying(new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), null, null,
                Duration.ZERO, Clock.systemUTC()));
        AdminRoutes routes = new AdminRoutes(tokens, null, "herald_token", () -> StatusMaps.ordered("service", "edge", "id", "e1"), peers);
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(routes).build();
        server.start();
        url = "http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop();
        peer.stop(0);
        slowPeer.stop(0);
    }

    @Test
    void theStatusShowsThisServiceAndEachPeerAskedWithTheCallersTokenAndDownOnesAsDown() throws Exception {
        String token = token(true);
        long started = System.nanoTime();
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url + "/admin/status")).header("Authorization", "Bearer " + token));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode services = JSON.readTree(answer.body()).get("services");
        assertThat(services).hasSize(4);
        assertThat(services.get(0).get("service").asText()).isEqualTo("edge");
        assertThat(services.get(0).get("self").asBoolean()).isTrue();
        assertThat(services.get(1).get("id").asText()).isEqualTo("peer");
        assertThat(services.get(1).get("url").asText()).isEqualTo(base(peer));
        assertThat(services.get(1).get("up").asBoolean()).isTrue();
        assertThat(peerSawAuthorization.get()).isEqualTo("Bearer " + token + " scope=self");
        for (int i : new int[] {2, 3}) {
            assertThat(services.get(i).get("up").asBoolean()).as(services.get(i).toString()).isFalse();
            assertThat(services.get(i).get("error").asText()).isNotEmpty();
        }
        assertThat(services.get(3).get("url").asText()).isEqualTo(base(slowPeer));
        assertThat(tookMs).as("a slow peer holds the answer up to about its timeout only").isLessThan(10_000);
    }

    @Test
    void selfScopeLeavesThePeersOut() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url + "/admin/status?scope=self"))
                .header("Authorization", "Bearer " + token(true)));
        assertThat(JSON.readTree(answer.body()).get("services")).hasSize(1);
        assertThat(peerSawAuthorization.get()).isNull();
    }

    @Test
    void theSignInKeepsTheTokenInAnHttpOnlyCookieForAdminThatOpensTheStatus() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(url + "/admin/status?scope=self"))).statusCode()).isEqualTo(401);
        String token = token(true);
        HttpResponse<String> signIn = send(HttpRequest.newBuilder(URI.create(url + "/admin/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("Location")).hasValue("/admin");
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("herald_token=" + token + ";").contains("Path=/admin", "HttpOnly", "SameSite=Strict");

        HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(url + "/admin/status?scope=self"))
                .header("Cookie", "herald_token=" + token));
        assertThat(status.statusCode()).isEqualTo(200);
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url + "/admin")).header("Cookie", "herald_token=" + token));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'")
                        .containsPattern("script-src 'sha256-[A-Za-z0-9+/=]+';"));
        assertThat(page.body()).contains("/admin/status").doesNotContain("<script src");

        HttpResponse<String> plain = send(HttpRequest.newBuilder(URI.create(url + "/admin/status")).header("Cookie", "herald_token=" + token(false)));
        assertThat(plain.statusCode()).isEqualTo(403);
    }

    @Test
    void theSignInTakesAFormFromItsOwnOriginOnlyAndAnEmptyOneSignsOut() throws Exception {
        HttpResponse<String> foreign = send(HttpRequest.newBuilder(URI.create(url + "/admin/login")).header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=" + token(true))));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> out = send(HttpRequest.newBuilder(URI.create(url + "/admin/login")).header("Origin", url)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=")));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("herald_token=;").contains("Max-Age=0");
    }

    @Test
    void formFieldsAreUrlDecoded() {
        assertThat(AdminRoutes.formField("a=1&token=ab%2Bc.d&token=second", "token")).isEqualTo("ab+c.d");
        assertThat(AdminRoutes.formField("a=1", "token")).isEmpty();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(boolean admin) {
        return TokenMinter.hmac(SECRET).mint("op", List.of(), List.of(), admin, null, null, Instant.now(), Duration.ofMinutes(5));
    }

    private static String base(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
