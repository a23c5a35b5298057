package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user does first: start {@code herald dev}, run the printed curl example, read the log. */
class DevModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void thePrintedExamplePublishesARecordThatAPlainKafkaConsumerReadsAndItSurvivesARestart() throws Exception {
        int kafkaPort = freePort();
        String[] args = {"dev", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(freePort()), "--http-port", Integer.toString(freePort())};
        JsonNode published;
        try (HeraldProcess dev = HeraldProcess.start("herald dev ready", Duration.ofSeconds(90), args)) {
            Matcher curl = Pattern.compile("curl -sS -X POST -H '([^:]+): ([^']+)' --data '([^']+)' (\\S+)").matcher(dev.output());
            assertThat(curl.find()).as(dev.output()).isTrue();

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(curl.group(4)))
                    .header(curl.group(1), curl.group(2)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(curl.group(3))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            published = JSON.readTree(r.body());
            assertThat(published.fieldNames()).toIterable().containsExactly("id", "channel", "position", "partition", "offset");
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
