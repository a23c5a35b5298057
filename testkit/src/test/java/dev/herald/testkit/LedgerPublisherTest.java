package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.herald.testkit.LedgerPublisher.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the publisher records for each kind of answer, against a stand-in for ingest on loopback. */
class LedgerPublisherTest {

    private final DeliveryLedger ledger = new DeliveryLedger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private volatile String lastPath;
    private volatile String lastKey;
    private volatile String lastAuthorization;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/channels/", ex -> {
            lastPath = ex.getRequestURI().getPath();
            lastKey = ex.getRequestHeaders().getFirst("Idempotency-Key");
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            String channel = lastPath.split("/")[3];
            int status;
            String body;
            switch (channel) {
                case "ok" -> {
                    status = 201;
                    body = "{\"id\":\"" + lastKey + "\",\"channel\":\"ok\",\"position\":\"p\",\"partition\":4,\"offset\":17}";
                }
                case "down" -> {
                    status = 503;
                    body = "{\"type\":\"urn:herald:problem:log-unavailable\",\"status\":503}";
                }
                default -> {
                    try {
                        release.await(30, TimeUnit.SECONDS); // no answer until the test lets go
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    status = 500;
                    body = "";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void a201IsRecordedAsAnAcknowledgementAtItsPartitionAndOffset() {
        LedgerPublisher publisher = new LedgerPublisher(url(), ledger, Duration.ofSeconds(10), "Bearer t");
        ledger.subscribed("alice", "alice-1", "ok", -1);

        LedgerPublisher.Result result = publisher.publish("ok", "e-1", "{\"n\":1}");

        assertThat(result.acknowledged()).isTrue();
        assertThat(result.answer().get("offset").asLong()).isEqualTo(17);
        assertThat(lastPath).isEqualTo("/v1/channels/ok/events");
        assertThat(lastKey).isEqualTo("e-1");
        assertThat(lastAuthorization).isEqualTo("Bearer t");
        assertThat(ledger.report().lost()).containsExactly(new DeliveryReport.Lost("alice", "ok", "e-1", 4, 17));
    }

    @Test
    void anErrorAnswerIsAFailureAndNoAnswerIsUnknownNeitherOwed() {
        LedgerPublisher publisher = new LedgerPublisher(url(), ledger, Duration.ofMillis(300), null);
        ledger.subscribed("alice", "alice-1", "down", -1);

        LedgerPublisher.Result refused = publisher.publish("down", "e-1", "{}");
        LedgerPublisher.Result silent = publisher.publish("silent", "e-2", "{}");

        assertThat(refused.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(silent.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(silent.status()).isEqualTo(-1);
        DeliveryReport report = ledger.report();
        assertThat(report.failed()).isOne();
        assertThat(report.unknown()).isOne();
        assertThat(report.acknowledged()).isZero();
        assertThat(report.lost()).isEmpty();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
