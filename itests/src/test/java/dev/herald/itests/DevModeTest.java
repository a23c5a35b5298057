package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.testkit.FreePorts;
import dev.herald.testkit.HeraldProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does first: start {@code herald dev}, follow the printed SSE stream, run the
 * printed curl example, see the event arrive, read the log, and find the event as its channel's
 * latest value in {@code herald.latest} after a restart.
 */
class DevModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void thePrintedExamplesPublishAnEventThatTheEdgeDeliversAndAPlainKafkaConsumerReadsAndItSurvivesARestart() throws Exception {
        int kafkaPort = FreePorts.next();
        int edgePort = FreePorts.next();
        String[] args = {"dev", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(FreePorts.next()), "--http-port", Integer.toString(FreePorts.next()),
                "--edge-port", Integer.toString(edgePort), "--streams-port", Integer.toString(FreePorts.next()),
                "--set", "ephemeral.port=" + FreePorts.next()};
        JsonNode published;
        try (HeraldProcess dev = HeraldProcess.start("herald dev ready", Duration.ofSeconds(90), args)) {
            Matcher follow = Pattern.compile("curl -sS -N '([^']+)'").matcher(dev.output());
            assertThat(follow.find()).as(dev.output()).isTrue();
            HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(follow.group(1)))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            Iterator<String> sse = stream.body().filter(l -> l.startsWith("data:")).map(l -> l.substring(5)).iterator();
            assertThat(JSON.readTree(sse.next()).get("op").asText()).isEqualTo("subscribed");

            Matcher curl = Pattern.compile("curl -sS -X POST -H '([^:]+): ([^']+)' --data '([^']+)' (\\S+)").matcher(dev.output());
            assertThat(curl.find()).as(dev.output()).isTrue();

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(curl.group(4)))
                    .header(curl.group(1), curl.group(2)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(curl.group(3))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            published = JSON.readTree(r.body());
            assertThat(published.fieldNames()).toIterable().containsExactly("id", "channel", "position", "partition", "offset");
            JsonNode delivered = JSON.readTree(sse.next());
            assertThat(delivered.get("op").asText()).isEqualTo("event");
            assertThat(delivered.get("id").asText()).isEqualTo(published.get("id").asText());
            assertThat(delivered.get("position").asText()).isEqualTo(published.get("position").asText());
            assertThat(delivered.get("data").toString()).isEqualTo(curl.group(3));

            Matcher ephemeral = Pattern.compile("curl -sS -X POST -H '([^:]+): ([^']+)' --data '([^']+)' '(\\S+durability=ephemeral)'")
                    .matcher(dev.output());
            assertThat(ephemeral.find()).as(dev.output()).isTrue();
            HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ephemeral.group(4)))
                    .header(ephemeral.group(1), ephemeral.group(2)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(ephemeral.group(3))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode lane = JSON.readTree(sse.next());
            assertThat(lane.get("id").asText()).isEqualTo(JSON.readTree(accepted.body()).get("id").asText());
            assertThat(lane.get("durability").asText()).isEqualTo("ephemeral");
            assertThat(lane.get("data").toString()).isEqualTo(ephemeral.group(3));
            stream.body().close();

            // the delivery auditor runs too: its canaries arrive, none is lost, and the edge's /metrics says so
            URI edgeMetrics = URI.create("http://127.0.0.1:" + edgePort + "/metrics");
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(edgeMetrics, "herald_audit_received_events_total") >= 3);
            assertThat(metric(edgeMetrics, "herald_audit_lost_events_total")).isZero();
            assertThat(metric(edgeMetrics, "herald_audit_duplicated_events_total")).isZero();
            assertThat(metric(edgeMetrics, "herald_audit_out_of_order_events_total")).isZero();
            assertThat(metric(edgeMetrics, "herald_audit_latency_seconds_count")).isPositive();
            // 143 = 128 + SIGTERM: the JVM's status after an orderly, signal-initiated shutdown.
            assertThat(dev.stop(Duration.ofSeconds(60))).isEqualTo(143);
            assertThat(dev.output()).contains("herald: stopped");
        }

        try (HeraldProcess again = HeraldProcess.start("herald dev ready", Duration.ofSeconds(90), args)) {
            ConsumerRecord<byte[], byte[]> record = read("127.0.0.1:" + kafkaPort, published.get("partition").asInt(),
                    published.get("offset").asLong());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(published.get("channel").asText()).isEqualTo("demo");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"hello\":\"world\"}");
            assertThat(new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)).isEqualTo(published.get("id").asText());
            assertThat(again.output()).doesNotContain("created log topic");
            // the streams service runs in dev mode too: the channel's latest event is in herald.latest, across the restart
            assertThat(again.output()).contains("Streams  latest event of every channel in herald.latest");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                RetainedEvent latest = latest("127.0.0.1:" + kafkaPort, "demo");
                assertThat(latest).isNotNull();
                assertThat(latest.event().id()).isEqualTo(published.get("id").asText());
                assertThat(latest.position().offset()).isEqualTo(published.get("offset").asLong());
            });
            assertThat(again.stop(Duration.ofSeconds(60))).isEqualTo(143);
            assertThat(again.output()).contains("herald: stopped");
        }
    }

    private static ConsumerRecord<byte[], byte[]> read(String bootstrap, int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("herald.events", partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).as("record at %d/%d", partition, offset).isNotEmpty();
            return got.get(0);
        }
    }

    /** {@code channel}'s value in herald.latest as a compacted topic ends up (the last record of its key), read with a plain consumer. */
    private static RetainedEvent latest(String bootstrap, String channel) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("herald.latest", Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition("herald.latest", p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            byte[] value = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (channel.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        value = r.value();
                    }
                }
            }
            return value == null ? null : RetainedEventCodec.decode(value);
        }
    }

    /** The value of the one series of {@code name} in the Prometheus text at {@code url}. */
    private static double metric(URI url, String name) throws IOException, InterruptedException {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*\\} (\\S+)$").matcher(text);
        assertThat(m.find()).as("%s in %s", name, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

}
