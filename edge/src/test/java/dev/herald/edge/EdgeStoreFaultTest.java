package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The edge's RocksDB store on a disk that fills up and is freed again. */
class EdgeStoreFaultTest extends LogBackedTest {

    @Test
    void aFullDiskStopsCommitsAndReadinessAndOnceFreedEveryEventIsDeliveredInOrder() throws Exception {
        String topic = log.topic();
        String edgeId = "disk-full";
        HttpClient http = HttpClient.newHttpClient();
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 32);
             EdgeServer edge = EdgeServer.start(new EdgeConfig(log.edgeSettings(topic, edgeId, disk.path().resolve("edge"), Map.of())));
             WsTestClient ws = WsTestClient.connect(edge.webSocketUrl())) {
            ws.send("{\"op\":\"subscribe\",\"channel\":\"room\"}");
            int partition = PositionCodec.decode(ws.next().get("position").asText()).partition();
            for (int i = 0; i < 5; i++) {
                log.publish(topic, "room", "{\"n\":" + i + "}");
            }
            assertThat(ws.next(5)).extracting(e -> e.at("/data/n").asInt()).containsExactly(0, 1, 2, 3, 4);
            TopicPartition tp = new TopicPartition(topic, partition);
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(edgeId, tp) == 5);

            disk.fill();
            for (int i = 5; i < 25; i++) {
                log.publish(topic, "room", "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = get(http, edge.baseUrl() + "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("store failing").contains("No space left on device");
            });
            // While the disk is full RocksDB may still store a few events, in log space it had
            // reserved or freed again on a reopen; those are handed off and committed. The rule
            // that holds throughout: nothing is committed before it is handed to the connections.
            long committedWhileFailing = committed(edgeId, tp);
            double handedOff = edge.registry().get("herald.edge.deliveries").counter().count();
            assertThat((double) committedWhileFailing).as("committed offsets never pass the hand-off").isLessThanOrEqualTo(handedOff);
            assertThat(edge.registry().get("herald.edge.store.failures").counter().count()).isPositive();

            disk.free();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(http, edge.baseUrl() + "/readyz").statusCode() == 200);
            List<JsonNode> recovered = ws.next(20);
            assertThat(recovered).extracting(e -> e.at("/data/n").asInt()).containsExactlyElementsOf(LogFixture.range(5, 25));
            log.publish(topic, "room", "{\"n\":25}");
            assertThat(ws.next().at("/data/n").asInt()).isEqualTo(25);
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(edgeId, tp) == 26);
            assertThat(ws.poll(300)).isNull();
        }
    }

    private static long committed(String edgeId, TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = log.admin().listConsumerGroupOffsets("herald-edge-" + edgeId)
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? -1 : o.offset();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
