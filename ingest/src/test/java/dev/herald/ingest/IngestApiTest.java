package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestApiTest {

    private static final int MAX_BODY = 4096;

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static IngestServer ingest;
    static String base;
    static String topic;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder(dataDir).build().start();
        topic = "events-" + UUID.randomUUID();
        ingest = IngestServer.start(new IngestConfig(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "topic", topic,
                "topic.partitions", "4",
                "http.port", "0",
                "publish.max.body.bytes", Integer.toString(MAX_BODY),
                "publish.batch.max.bytes", Integer.toString(8 * 1024 * 1024),
                "auth.mode", "none")));
        base = ingest.baseUrl();
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
    void durablePublishAnswers201AndTheRecordIsInTheLogWithCloudEventsHeaders() {
        HttpResponse<String> r = HttpTestClient.post(base + "/v1/channels/chat:room-1/events", "{\"text\":\"hello\"}",
                "Content-Type", "application/json");

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode body = HttpTestClient.json(r);
        assertThat(body.get("channel").asText()).isEqualTo("chat:room-1");
        String id = body.get("id").asText();
        int partition = body.get("partition").asInt();
        long offset = body.get("offset").asLong();
        Position position = PositionCodec.decode(body.get("position").asText());
        assertThat(position.partition()).isEqualTo(partition);
        assertThat(position.offset()).isEqualTo(offset);
        assertThat(position.epoch()).isEqualTo(ingest.epoch());
        assertThat(position.epoch().partitionCount()).isEqualTo(4);

        ConsumerRecord<byte[], byte[]> record = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                .filter(rec -> rec.partition() == partition && rec.offset() == offset).findFirst().orElseThrow();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("chat:room-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hello\"}");
        assertThat(LogReader.header(record, "ce_id")).isEqualTo(id);
        assertThat(LogReader.header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(LogReader.header(record, "ce_type")).isEqualTo("herald.event");
        assertThat(LogReader.header(record, "ce_source")).startsWith("herald://ingest/");
        assertThat(LogReader.header(record, "ce_time")).isNotBlank();
        assertThat(LogReader.header(record, "content-type")).isEqualTo("application/json");
    }

    @Test
    void channelNamesWithSlashesWorkEncodedOrNot() {
        assertThat(HttpTestClient.json(HttpTestClient.post(base + "/v1/channels/iot/dev-1/events", "1")).get("channel").asText()).isEqualTo("iot/dev-1");
        assertThat(HttpTestClient.json(HttpTestClient.post(base + "/v1/channels/iot%2Fdev-2/events", "2")).get("channel").asText()).isEqualTo("iot/dev-2");
    }

    /** With auth.mode=none no token is read: whatever Authorization a client sends (a proxy's Basic, a stale Bearer) is not judged. */
    @Test
    void withTokensOffAnAuthorizationHeaderIsNotRead() {
        assertThat(HttpTestClient.post(base + "/v1/channels/open/events", "1", "Authorization", "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(201);
        assertThat(HttpTestClient.post(base + "/v1/channels/open/events", "2", "Authorization", "Bearer not-a-jwt").statusCode()).isEqualTo(201);
    }

    @Test
    void invalidChannelsAre400WithAProblemSayingWhy() {
        assertProblem(HttpTestClient.post(base + "/v1/channels/bad%20name/events", "x"), 400, "invalid-channel", "U+0020");
        assertProblem(HttpTestClient.post(base + "/v1/channels/a/..%2Fb/events", "x"), 400, "invalid-channel", "'..'");
        assertProblem(HttpTestClient.post(base + "/v1/channels/" + "c".repeat(256) + "/events", "x"), 400, "invalid-channel", "256");
        assertProblem(HttpTestClient.post(base + "/v1/channels//events", "x"), 400, "invalid-channel", "empty");
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLength() {
        assertProblem(HttpTestClient.post(base + "/v1/channels/big/events", "x".repeat(MAX_BODY + 1)), 413, "payload-too-large", "4096");

        HttpRequest chunked = HttpRequest.newBuilder(URI.create(base + "/v1/channels/big/events")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[MAX_BODY * 3])))
                .build();
        assertProblem(HttpTestClient.send(chunked), 413, "payload-too-large", "publish.max.body.bytes");
        assertThat(HttpTestClient.post(base + "/v1/channels/big/events", "x".repeat(MAX_BODY)).statusCode()).isEqualTo(201);
    }

    @Test
    void anEmptyBodyIs400() {
        assertProblem(HttpTestClient.post(base + "/v1/channels/c/events", ""), 400, "invalid-body", "empty");
    }

    @Test
    void aBadDurabilityOrIdempotencyKeyIs400() {
        assertProblem(HttpTestClient.post(base + "/v1/channels/c/events?durability=forever", "x"), 400, "invalid-body", "durability");
        assertProblem(HttpTestClient.post(base + "/v1/channels/c/events", "x", "Idempotency-Key", "k".repeat(256)),
                400, "invalid-idempotency-key", "256");
    }

    @Test
    void ephemeralPublishWithoutALaneIs501() {
        assertProblem(HttpTestClient.post(base + "/v1/channels/c/events?durability=ephemeral", "x"), 501, "ephemeral-unavailable", "ephemeral");
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheFirstResultAndWritesOneRecord() {
        String key = "order-" + UUID.randomUUID();
        HttpResponse<String> first = HttpTestClient.post(base + "/v1/channels/orders/events", "{\"n\":1}", "Idempotency-Key", key);
        HttpResponse<String> again = HttpTestClient.post(base + "/v1/channels/orders/events", "{\"n\":2}", "Idempotency-Key", key);
        HttpResponse<String> otherChannel = HttpTestClient.post(base + "/v1/channels/orders-2/events", "{\"n\":3}", "Idempotency-Key", key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(HttpTestClient.json(first).get("id").asText()).isEqualTo(key);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(HttpTestClient.json(otherChannel).get("offset").asLong()).isNotEqualTo(HttpTestClient.json(first).get("offset").asLong());

        List<ConsumerRecord<byte[], byte[]>> withKey = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                .filter(rec -> key.equals(LogReader.header(rec, "ce_id"))).toList();
        assertThat(withKey).extracting(rec -> new String(rec.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("orders", "orders-2");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        assertProblem(HttpTestClient.get(base + "/v2/nothing"), 404, "not-found", "/v2/nothing");
        HttpResponse<String> r = HttpTestClient.get(base + "/v1/channels/c/events");
        assertProblem(r, 405, "method-not-allowed", "GET");
        assertThat(r.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void healthReadinessAndMetricsAnswer() {
        assertThat(HttpTestClient.get(base + "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = HttpTestClient.get(base + "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(HttpTestClient.json(ready).get("status").asText()).isEqualTo("ready");

        HttpTestClient.post(base + "/v1/channels/metered/events", "1");
        HttpResponse<String> metrics = HttpTestClient.get(base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("herald_ingest_publish_total{api=\"single\",result=\"created\"}")
                .contains("herald_ingest_publish_ack_seconds_bucket")
                .contains("herald_ingest_log_ready 1.0")
                .contains("kafka_producer_");
    }

    @Test
    void batchWrongContentTypeIs415EmptyIs400AndOversizedIs413() {
        assertProblem(HttpTestClient.post(base + "/v1/events", "{}", "Content-Type", "application/json"), 415, "unsupported-media-type", "application/x-ndjson");
        assertProblem(HttpTestClient.post(base + "/v1/events", "", "Content-Type", "application/x-ndjson"), 400, "invalid-body", "empty");
        assertProblem(HttpTestClient.post(base + "/v1/events", "x".repeat(8 * 1024 * 1024 + 1), "Content-Type", "application/x-ndjson"),
                413, "payload-too-large", "publish.batch.max.bytes");
    }

    @Test
    void everyBadBatchLineGetsItsOwnErrorInOrderAndGoodLinesAreWritten() {
        String batch = String.join("\n",
                "{\"channel\":\"b1\",\"data\":{\"k\":1}}",
                "",
                "not json",
                "{\"channel\":\"/bad\",\"data\":1}",
                "{\"channel\":\"b1\"}",
                "{\"channel\":\"b1\",\"data\":1,\"payload\":2}",
                "{\"channel\":\"b1\",\"data\":\"aGk=\",\"encoding\":\"base64\",\"contentType\":\"text/plain\"}",
                "[1,2]",
                "{\"channel\":\"b1\",\"data\":\"" + "x".repeat(MAX_BODY) + "\"}",
                "{\"channel\":\"b1\",\"data\":1,\"id\":\"has space\"}") + "\n";
        HttpResponse<String> r = HttpTestClient.post(base + "/v1/events", batch, "Content-Type", "application/x-ndjson");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/x-ndjson");
        List<JsonNode> lines = r.body().lines().map(Json::parse).toList();
        assertThat(lines).extracting(l -> l.get("line").asInt()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(lines).extracting(l -> l.get("status").asInt()).containsExactly(201, 400, 400, 400, 400, 400, 201, 400, 413, 400);
        assertThat(lines.get(1).at("/problem/detail").asText()).contains("empty");
        assertThat(lines.get(2).at("/problem/detail").asText()).contains("not JSON");
        assertThat(lines.get(3).at("/problem/type").asText()).isEqualTo("urn:herald:problem:invalid-channel");
        assertThat(lines.get(4).at("/problem/detail").asText()).contains("'data' is missing");
        assertThat(lines.get(5).at("/problem/detail").asText()).contains("unknown field 'payload'");
        assertThat(lines.get(7).at("/problem/detail").asText()).contains("not a JSON object");
        assertThat(lines.get(9).at("/problem/detail").asText()).contains("event id");

        ConsumerRecord<byte[], byte[]> binary = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                .filter(rec -> rec.partition() == lines.get(6).get("partition").asInt() && rec.offset() == lines.get(6).get("offset").asLong())
                .findFirst().orElseThrow();
        assertThat(new String(binary.value(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(LogReader.header(binary, "content-type")).isEqualTo("text/plain");
    }

    static void assertProblem(HttpResponse<String> r, int status, String slug, String detailPart) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode p = HttpTestClient.json(r);
        assertThat(p.get("type").asText()).isEqualTo("urn:herald:problem:" + slug);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).contains(detailPart);
    }

}
