package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.server.tls.TestCertificate;
import dev.herald.server.tls.TlsConfig;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest and an edge serving TLS from PEM files of a certificate this test makes (for
 * 127.0.0.1), against a real broker: an event published over HTTPS reaches a WSS subscriber and
 * an SSE stream over HTTPS; plain HTTP to either port gets no answer.
 */
class TlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anEventPublishedOverHttpsReachesWssAndHttpsSseSubscribersAndPlainHttpIsRefused() throws Exception {
        TestCertificate certificate = TestCertificate.ec();
        Map<String, String> tls = Map.of(
                TlsConfig.CERT_FILE, certificate.writeCertificate(dir.resolve("cert.pem")).toString(),
                TlsConfig.KEY_FILE, certificate.writeKey(dir.resolve("key.pem")).toString());
        HttpClient trusting = HttpClient.newBuilder().sslContext(certificate.trustingClientContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        try (IngestServer ingest = IngestServer.start(new IngestConfig(with(tls, Map.of(
                     IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(), IngestConfig.HTTP_PORT, "0"))));
             EdgeServer edge = EdgeServer.start(new EdgeConfig(with(tls, Map.of(
                     EdgeConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(), EdgeConfig.HTTP_PORT, "0",
                     EdgeConfig.EDGE_ID, "tls", EdgeConfig.DATA_DIR, dir.resolve("edge").toString()))))) {
            assertThat(ingest.baseUrl()).startsWith("https://127.0.0.1:");
            assertThat(edge.baseUrl()).startsWith("https://127.0.0.1:");
            assertThat(edge.webSocketUrl()).startsWith("wss://127.0.0.1:");

            try (WsTestClient ws = WsTestClient.connect(trusting, edge.webSocketUrl())) {
                ws.send("{\"op\":\"subscribe\",\"channel\":\"secure.room\"}");
                JsonNode subscribed = ws.next();
                assertThat(subscribed.get("op").asText()).as(subscribed.toString()).isEqualTo("subscribed");
                CompletableFuture<HttpResponse<Stream<String>>> sse = trusting.sendAsync(
                        HttpRequest.newBuilder(URI.create(edge.baseUrl() + "/v1/sse?channel=secure.room")).build(),
                        HttpResponse.BodyHandlers.ofLines());
                Iterator<String> sseLines = sse.get(30, TimeUnit.SECONDS).body().iterator();
                assertThat(nextSseData(sseLines)).contains("\"op\":\"subscribed\"");

                HttpResponse<String> published = trusting.send(HttpRequest.newBuilder(
                                URI.create(ingest.baseUrl() + "/v1/channels/secure.room/events"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello over TLS\"}"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
                String id = JSON.readTree(published.body()).get("id").asText();

                JsonNode event = ws.next();
                assertThat(event.get("op").asText()).as(event.toString()).isEqualTo("event");
                assertThat(event.get("id").asText()).isEqualTo(id);
                assertThat(event.get("data").toString()).isEqualTo("{\"text\":\"hello over TLS\"}");
                assertThat(nextSseData(sseLines)).contains(id);
            }

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            for (String base : new String[] {ingest.baseUrl(), edge.baseUrl()}) {
                URI http = URI.create(base.replace("https://", "http://") + "/healthz");
                assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString())).as(http.toString()).isInstanceOf(IOException.class);
            }
        } finally {
            broker.stop();
        }
    }

    @Test
    void aServiceWithACertificateButNoKeyStopsBeforeConnectingToKafka() {
        Map<String, String> certOnly = Map.of(TlsConfig.CERT_FILE, dir.resolve("cert.pem").toString(),
                IngestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", IngestConfig.STARTUP_TIMEOUT_MS, "60000");
        assertThatThrownBy(() -> IngestServer.start(new IngestConfig(certOnly)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TlsConfig.CERT_FILE).hasMessageContaining(TlsConfig.KEY_FILE);
        assertThatThrownBy(() -> EdgeServer.start(new EdgeConfig(Map.of(TlsConfig.KEY_FILE, dir.resolve("key.pem").toString(),
                        EdgeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1", EdgeConfig.DATA_DIR, dir.resolve("edge").toString()))).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TlsConfig.CERT_FILE).hasMessageContaining(TlsConfig.KEY_FILE);
    }

    /** {@code a} and {@code b} together, on a service open to anyone (this test is about TLS, not tokens). */
    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        all.putIfAbsent("auth.mode", "none");
        return all;
    }

    /** The next {@code data:} line of an SSE stream. */
    private static String nextSseData(Iterator<String> lines) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                return line;
            }
        }
        throw new AssertionError("the SSE stream ended without an event");
    }
}
