package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.util.SameThreadExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared answers on a real Undertow server on loopback, byte for byte as clients read them. */
class HttpAnswersTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicReference<String> NOT_READY_REASON = new AtomicReference<>();

    private static ExecutorService elsewhere;
    private static Undertow server;
    private static String base;

    @BeforeAll
    static void start() {
        elsewhere = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-answerer"));
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path(ex -> HttpAnswers.problem(ex, Problem.notFound(ex.getRequestPath())))
                        .addExactPath(StatusRoutes.HEALTH_PATH, StatusRoutes::health)
                        .addExactPath(StatusRoutes.READY_PATH, ex -> StatusRoutes.readiness(ex, NOT_READY_REASON.get()))
                        .addExactPath(StatusRoutes.METRICS_PATH, ex -> StatusRoutes.metrics(ex, "# HELP up\nup 1.0\n"))
                        .addExactPath("/busy", ex -> HttpAnswers.problem(ex,
                                new Problem("log-unavailable", "Event log unavailable", 503, "Kafka is away", 2)))
                        .addExactPath("/get-only", ex -> HttpAnswers.methodNotAllowed(ex, "GET", "/get-only answers GET only"))
                        .addExactPath("/later", ex -> ex.dispatch(SameThreadExecutor.INSTANCE,
                                () -> elsewhere.execute(() -> HttpAnswers.json(ex, 202, Map.of("from", "a worker"))))))
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        base = "http://127.0.0.1:" + address.getPort();
    }

    @AfterAll
    static void stop() {
        server.stop();
        elsewhere.shutdownNow();
    }

    @Test
    void aProblemIsItsStatusAndAnOrderedProblemJsonBody() throws Exception {
        HttpResponse<String> r = get("/nothing/here");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
        assertThat(r.body()).isEqualTo("{\"type\":\"urn:herald:problem:not-found\",\"title\":\"Not found\",\"status\":404,"
                + "\"detail\":\"no resource at /nothing/here\"}");
    }

    @Test
    void aProblemWithARetryTimeSaysSoInRetryAfter() throws Exception {
        HttpResponse<String> r = get("/busy");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("2");
        assertThat(r.body()).isEqualTo("{\"type\":\"urn:herald:problem:log-unavailable\",\"title\":\"Event log unavailable\","
                + "\"status\":503,\"detail\":\"Kafka is away\"}");
    }

    @Test
    void aWrongMethodIs405WithTheAllowedOnes() throws Exception {
        HttpResponse<String> r = get("/get-only");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).contains("GET");
        assertThat(r.body()).isEqualTo("{\"type\":\"urn:herald:problem:method-not-allowed\",\"title\":\"Method not allowed\","
                + "\"status\":405,\"detail\":\"/get-only answers GET only\"}");
    }

    @Test
    void anAnswerReadyOnAnotherThreadIsSentOnTheExchangesOwn() throws Exception {
        HttpResponse<String> r = get("/later");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).isEqualTo("{\"from\":\"a worker\"}");
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> r = get("/healthz");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"up\"}");
    }

    @Test
    void readinessAnswersReadyOrNotReadyWithTheReasonAfterTheStatus() throws Exception {
        NOT_READY_REASON.set(null);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");

        NOT_READY_REASON.set("Kafka unreachable: TimeoutException");
        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(notReady.body()).isEqualTo("{\"status\":\"not-ready\",\"reason\":\"Kafka unreachable: TimeoutException\"}");
    }

    @Test
    void metricsAnswerPrometheusText() throws Exception {
        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("# HELP up\nup 1.0\n");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
