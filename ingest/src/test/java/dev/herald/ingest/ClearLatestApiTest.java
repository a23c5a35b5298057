package dev.herald.ingest;

import static dev.herald.ingest.IngestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.server.auth.TokenMinter;
import dev.herald.testkit.HttpTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /v1/channels/{channel}/latest} from outside, with tokens on: what it writes to the
 * log (read back with a plain consumer) and who may send it.
 */
class ClearLatestApiTest {

    private static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes";

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static IngestServer ingest;
    static String base;
    static String topic;
    static String token;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder(dataDir).build().start();
        topic = "events-" + UUID.randomUUID();
        ingest = IngestServer.start(new IngestConfig(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "topic", topic,
                "topic.partitions", "4",
                "http.port", "0",
                "auth.mode", "jwt",
                "auth.hmac.secret", SECRET)));
        base = ingest.baseUrl();
        token = TokenMinter.hmac(SECRET).mint("alice", List.of("state.*"), List.of(), null, null, Instant.now(), Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void aClearIs204AndAControlRecordAfterTheChannelsEventsInItsPartition() {
        JsonNode published = HttpTestClient.json(HttpTestClient.post(base + "/v1/channels/state.car-1/events", "{\"km\":1}",
                "Content-Type", "application/json", "Authorization", "Bearer " + token));

        HttpResponse<String> cleared = delete("/v1/channels/state.car-1/latest", token);

        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(204);
        assertThat(cleared.body()).isEmpty();
        List<ConsumerRecord<byte[], byte[]>> records = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("state.car-1")).toList();
        assertThat(records).hasSize(2);
        ConsumerRecord<byte[], byte[]> clear = records.get(1);
        assertThat(clear.partition()).isEqualTo(published.get("partition").asInt());
        assertThat(clear.offset()).isGreaterThan(published.get("offset").asLong());
        assertThat(clear.value()).isEmpty();
        assertThat(LogReader.header(clear, "herald-control")).isEqualTo("clear-latest");
        assertThat(clear.headers().toArray()).extracting(Header::key).containsExactly("herald-control");
    }

    @Test
    void aClearNeedsATokenThatMayPublishToTheChannel() {
        HttpResponse<String> none = delete("/v1/channels/state.car-2/latest", null);
        assertProblem(none, 401, "missing-token", "");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        HttpResponse<String> other = delete("/v1/channels/billing/latest", token);
        assertProblem(other, 403, "forbidden", "billing");

        assertThat(delete("/v1/channels/state.car-2/latest", token).statusCode()).isEqualTo(204);
        assertThat(LogReader.readAll(broker.bootstrapServers(), topic)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .contains("state.car-2").doesNotContain("billing");
    }

    @Test
    void aBadChannelIs400AndOnlyDeleteIsAllowed() {
        assertProblem(delete("/v1/channels/state..x/latest", token), 400, "invalid-channel", "..");

        HttpResponse<String> get = HttpTestClient.send(HttpRequest.newBuilder(URI.create(base + "/v1/channels/state.car-3/latest"))
                .header("Authorization", "Bearer " + token).GET().build());
        assertProblem(get, 405, "method-not-allowed", "GET");
        assertThat(get.headers().firstValue("Allow")).hasValue("DELETE");
    }

    private static HttpResponse<String> delete(String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(HttpTestClient.REQUEST_TIMEOUT).DELETE();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HttpTestClient.send(request.build());
    }
}
