package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeBatchTest {

    private static final int LINES = 10_000;

    @TempDir
    Path dataDir;

    @Test
    void aBatchOfTenThousandLinesWritesEveryGoodLineOnceAndAnswersEveryBadLineInOrder() {
        String topic = "batch-" + UUID.randomUUID();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).build().start();
             IngestServer ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                     "topic", topic, "http.port", "0", "auth.mode", "none")))) {
            String filler = "p".repeat(1000);
            StringBuilder body = new StringBuilder();
            Map<Integer, String> badKind = new HashMap<>();
            for (int line = 1; line <= LINES; line++) {
                switch (line % 101) {
                    case 7 -> { body.append("{\"channel\":\"bad channel\",\"data\":1}"); badKind.put(line, "invalid-channel"); }
                    case 19 -> { body.append("{not json"); badKind.put(line, "invalid-batch-line"); }
                    case 53 -> { body.append(""); badKind.put(line, "invalid-batch-line"); }
                    case 88 -> { body.append("{\"channel\":\"c\",\"id\":\"x").append(line).append("\"}"); badKind.put(line, "invalid-batch-line"); }
                    default -> body.append("{\"channel\":\"room-").append(line % 16).append("\",\"id\":\"ev-").append(line)
                            .append("\",\"data\":{\"n\":").append(line).append(",\"pad\":\"").append(filler).append("\"}}");
                }
                body.append('\n');
            }

            HttpResponse<String> r = HttpTestClient.post(ingest.baseUrl() + "/v1/events", body.toString(), "Content-Type", "application/x-ndjson");

            assertThat(r.statusCode()).isEqualTo(200);
            List<JsonNode> results = r.body().lines().map(Json::parse).toList();
            assertThat(results).hasSize(LINES);
            for (int i = 0; i < LINES; i++) {
                JsonNode result = results.get(i);
                int line = i + 1;
                assertThat(result.get("line").asInt()).isEqualTo(line);
                if (badKind.containsKey(line)) {
                    assertThat(result.get("status").asInt()).as("line %d", line).isEqualTo(400);
                    assertThat(result.at("/problem/type").asText()).isEqualTo("urn:herald:problem:" + badKind.get(line));
                    assertThat(result.at("/problem/detail").asText()).contains("line " + line);
                } else {
                    assertThat(result.get("status").asInt()).as("line %d: %s", line, result).isEqualTo(201);
                    assertThat(result.get("id").asText()).isEqualTo("ev-" + line);
                }
            }

            Map<String, List<ConsumerRecord<byte[], byte[]>>> byId = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                    .collect(Collectors.groupingBy(rec -> LogReader.header(rec, "ce_id")));
            int good = LINES - badKind.size();
            assertThat(byId).hasSize(good);
            for (int line = 1; line <= LINES; line++) {
                if (badKind.containsKey(line)) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> copies = byId.get("ev-" + line);
                assertThat(copies).as("records with id ev-%d", line).hasSize(1);
                ConsumerRecord<byte[], byte[]> rec = copies.get(0);
                assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo("room-" + (line % 16));
                assertThat(Json.parse(new String(rec.value(), StandardCharsets.UTF_8)).get("n").asInt()).isEqualTo(line);
                assertThat(rec.partition()).isEqualTo(results.get(line - 1).get("partition").asInt());
                assertThat(rec.offset()).isEqualTo(results.get(line - 1).get("offset").asLong());
            }
        }
    }
}
