package dev.herald.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Cors} in front of a real Undertow on loopback, asked by the JDK's HTTP client as a browser would. */
class CorsTest {

    private static final String APP = "http://app.test:5173";

    /** The JDK client refuses to set Origin unless told it is not restricted. */
    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "origin");
    }

    private final AtomicInteger reached = new AtomicInteger();
    private Undertow server;
    private URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        Cors cors = new Cors(AllowedOrigins.parse(APP), List.of("GET", "POST"), List.of("Authorization", "Content-Type"),
                List.of("Retry-After"), exchange -> {
                    reached.incrementAndGet();
                    exchange.setStatusCode(201);
                    exchange.getResponseSender().send("made");
                }, exchange -> {
                    exchange.setStatusCode(403);
                    exchange.getResponseSender().send("origin not allowed");
                });
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(cors).build();
        server.start();
        base = URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/x");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.uri(base).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutReachingTheRoute() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder().method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization"));
        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(answer.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, OPTIONS");
        assertThat(answer.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type");
        assertThat(answer.headers().allValues("Vary")).contains("Origin");
        assertThat(reached).hasValue(0);
    }

    @Test
    void aRequestFromAnAllowedOriginReachesTheRouteWithItsOriginEchoed() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("x")).header("Origin", APP));
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(answer.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Retry-After");
        assertThat(reached).hasValue(1);
    }

    @Test
    void aRequestFromAnotherOriginIsRefusedAndDoesNothing() throws Exception {
        HttpResponse<String> post = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("x"))
                .header("Origin", "https://evil.test"));
        HttpResponse<String> preflight = send(HttpRequest.newBuilder().method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.test").header("Access-Control-Request-Method", "POST"));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(reached).hasValue(0);
    }

    @Test
    void aRequestWithoutOriginIsNotABrowserAndPassesUntouched() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
