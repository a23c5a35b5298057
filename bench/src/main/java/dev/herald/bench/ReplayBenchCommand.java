package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench replay}: how fast an edge replays the log into its store ({@code herald replay
 * --mode history}, as after a lost disk) beside how fast Kafka's own {@code ConsumerPerformance}
 * reads the same records on the same broker.
 *
 * <p>Steps: fill a new topic with {@code --records} records as ingest writes them (key = one of
 * {@code --channels} channels, CloudEvents headers, a JSON payload of {@code --payload-bytes});
 * {@code ConsumerPerformance} reads them all with one consumer in a child JVM; an edge starts in a
 * JVM of its own ({@link EdgeProcess}) with an empty store (a new edge starts at the log end), and
 * {@code POST /admin/replay} asks it to replay every partition from its start to the end in
 * history mode; its rate is the records it read over the replay's own elapsed time (from the
 * edge's status). Target: at least half of {@code ConsumerPerformance}'s records/s, taken after its
 * group join (the replay joins no group; see {@link Figures#ratio}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Measures an edge's history replay (records/s into its store) beside Kafka's ConsumerPerformance on the same records.")
final class ReplayBenchCommand implements Callable<Integer> {

    /** The target: the replay reads at least this share of ConsumerPerformance's records/s. */
    static final double TARGET_RATIO = 0.5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--records", defaultValue = "1000000", paramLabel = "N", description = "Records in the log (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--channels", defaultValue = "1000", paramLabel = "N", description = "Channels the records spread over (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--payload-bytes", defaultValue = "1024", paramLabel = "B", description = "Size of each record's payload (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--partitions", defaultValue = "6", paramLabel = "N", description = "Partitions of the log (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    BenchOptions options;

    /** What one run measured. */
    record Figures(ConsumerPerfResult consumerPerformance, long replayedRecords, long stored, Duration replayElapsed, long fillMillis) {

        double replayRecordsPerSec() {
            return replayedRecords / Math.max(1e-9, replayElapsed.toNanos() / 1e9);
        }

        /**
         * The replay's records/s over {@code ConsumerPerformance}'s once it had its partitions: the
         * replay's reader is assigned its partitions and joins no group, so the tool's group join
         * (a few hundred ms to seconds, a large share of a short run) is left out of its rate too.
         */
        double ratio() {
            return replayRecordsPerSec() / consumerPerformance.fetchRecordsPerSec();
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (records < 1 || channels < 1 || payloadBytes < 16 || partitions < 1) {
            throw new IllegalArgumentException("--records, --channels and --partitions must be at least 1, --payload-bytes at least 16");
        }
        BenchOptions.Measured<Figures> measured = options.measureOnKafka(this::measure);
        ReplayBenchReport report = new ReplayBenchReport(measured.run(), this, measured.figures());
        options.publish("replay", report.console(), report.markdown());
        return 0;
    }

    private Figures measure(BenchBroker kafka, String runId) throws IOException, InterruptedException {
        String topic = "bench.replay." + runId;
        kafka.createTopic(topic, partitions);
        progress("filling %s with %,d records over %,d channels, %d-byte payloads", topic, records, channels, payloadBytes);
        long fillStart = System.nanoTime();
        fill(kafka.bootstrapServers(), topic);
        long fillMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStart);

        progress("ConsumerPerformance: %,d records, one consumer", records);
        ConsumerPerfResult raw = new RawKafkaBaseline(kafka, partitions, runId).consumerPerformance(topic, records, "bench.replay.cp." + runId);
        progress("     %,.0f records/s after its group join of %,d ms (%,.0f records/s with it)", raw.fetchRecordsPerSec(), raw.joinMs(),
                raw.recordsPerSec());

        Path data = Files.createTempDirectory("herald-bench-replay-edge");
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic,
                "edge.id", "bench-replay-" + runId, "data.dir", data.toString(), "http.port", "0", "http.host", "127.0.0.1",
                "auth.mode", "none"));
        try (EdgeProcess edge = EdgeProcess.start(settings)) {
            Map<Integer, Long> ends = ends(kafka.bootstrapServers(), topic);
            List<Map<String, Object>> ranges = new ArrayList<>();
            ends.forEach((p, end) -> ranges.add(Map.of("partition", p, "from", 0L, "to", end)));
            String url = "http://127.0.0.1:" + edge.port() + "/admin/replay";
            progress("Herald: an edge with an empty store replays the %,d records (history mode)", records);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("mode", "history", "ranges", ranges))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 202) {
                throw new IllegalStateException("the edge refused the replay: " + started.statusCode() + " " + started.body());
            }
            String location = "http://127.0.0.1:" + edge.port() + started.headers().firstValue("Location").orElseThrow();
            JsonNode status = JSON.readTree(started.body());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (status.get("state").asText().equals("running")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the replay did not end within 30 minutes: " + status);
                }
                Thread.sleep(500);
                status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            if (!status.get("state").asText().equals("done")) {
                throw new IllegalStateException("the replay ended " + status.get("state").asText() + ": " + status.path("error").asText());
            }
            Figures f = new Figures(raw, status.get("records").asLong(), status.get("replayed").asLong(),
                    Duration.ofMillis(status.get("elapsedMs").asLong()), fillMillis);
            progress("     %,d records in %,d ms: %,.0f records/s, %.0f%% of ConsumerPerformance", f.replayedRecords(),
                    f.replayElapsed().toMillis(), f.replayRecordsPerSec(), 100 * f.ratio());
            return f;
        } finally {
            BenchBroker.deleteTree(data);
        }
    }

    /** Writes the records as ingest does: key = channel, CloudEvents headers, a JSON payload. */
    private void fill(String bootstrap, String topic) {
        byte[] payload = ("{\"pad\":\"" + "x".repeat(payloadBytes - 10) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "linger.ms", "5", "batch.size", Integer.toString(256 * 1024)), new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (long i = 0; i < records; i++) {
                String channel = "bench.replay." + (i % channels);
                Event e = new Event("e-" + i, channel, Event.DEFAULT_TYPE, "herald://bench", now, "application/json", payload);
                List<Header> headers = new ArrayList<>();
                for (HeaderField h : RecordMapping.headers(e)) {
                    headers.add(new RecordHeader(h.key(), h.value()));
                }
                producer.send(new ProducerRecord<>(topic, null, RecordMapping.key(e), payload, headers));
            }
            producer.flush();
        }
    }

    private Map<Integer, Long> ends(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            Map<Integer, Long> out = new HashMap<>();
            c.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }
}
