package dev.herald.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Position;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.testkit.HttpTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams service against a real broker, fed by a real ingest over HTTP (whose clock the test
 * sets, so events fall in minutes it chooses), read back with a plain Kafka consumer: the latest
 * event of each channel in {@code herald.latest}, the totals per channel and minute in
 * {@code herald.stats}, a clear through ingest, and both topics as they were after the streams
 * service and the broker restart.
 */
class StreamsServiceTest {

    @TempDir
    Path dir;

    /** A clock the test moves: ingest stamps each event with it. */
    static final class SetClock extends Clock {
        volatile Instant now;

        SetClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** What the test published: each channel's last acknowledged event, and the totals {events, bytes} per "channel@minute". */
    private final Map<String, JsonNode> lastPublished = new HashMap<>();
    private final Map<String, List<Long>> published = new TreeMap<>();

    @Test
    void latestValuesAndMeteringTotalsAreWhatWasPublishedAndOutliveARestartOfTheServiceAndTheBroker() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        // a past hour: the broker refuses timestamps more than an hour ahead of its own clock
        Instant m0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
        SetClock clock = new SetClock(m0);
        try (IngestServer ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "topic.partitions", "3", "http.port", "0", "auth.mode", "none")), clock, Ticker.systemTicker())) {
            String base = ingest.baseUrl();
            publish(base, clock, "car-1", m0.plusSeconds(1), "{\"km\":1}");
            publish(base, clock, "car-1", m0.plusSeconds(20), "{\"km\":2}");
            publish(base, clock, "car-2", m0.plusSeconds(59), "{\"km\":100}");
            publish(base, clock, "car-1", m0.plusSeconds(60), "{\"km\":3}");      // the next minute, exactly at its start
            publish(base, clock, "doc/7", m0.plusSeconds(61), "\"draft\"");
            publish(base, clock, "car-2", m0.plusSeconds(150), "{\"km\":101,\"note\":\"" + "x".repeat(500) + "\"}");
            publish(base, clock, "doc/7", m0.plusSeconds(151), "\"final\"");

            StreamsService streams = StreamsService.start(config(broker, dir.resolve("state-1")));
            try {
                assertThat(streams.awaitRunning(Duration.ofSeconds(60))).as(streams.notReadyReason()).isTrue();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(latestTable(broker)).containsOnlyKeys(
                        "car-1", "car-2", "doc/7"));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(usageTotals(broker)).isEqualTo(published));
                assertLatestIsLastPublished(latestTable(broker), ingest, "car-1", "car-2", "doc/7");
                assertThat(streams.latest("car-1").event().id()).isEqualTo(lastPublished.get("car-1").get("id").asText());

                // a clear through ingest, then an event after it
                assertThat(clear(base, "doc/7").statusCode()).isEqualTo(204);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(latestTable(broker)).doesNotContainKey("doc/7"));
                assertThat(streams.latest("doc/7")).isNull();
                assertThat(clear(base, "car-2").statusCode()).isEqualTo(204);
                publish(base, clock, "car-2", m0.plusSeconds(170), "{\"km\":102}");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertLatestIsLastPublished(latestTable(broker), ingest, "car-1", "car-2"));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(usageTotals(broker)).isEqualTo(published));

                HttpResponse<String> ready = HttpTestClient.get(streams.baseUrl() + "/readyz");
                assertThat(ready.statusCode()).isEqualTo(200);
                String metrics = HttpTestClient.get(streams.baseUrl() + "/metrics").body();
                assertThat(metrics).contains("# HELP herald_streams_log_records_total",
                        "herald_streams_log_records_total{kind=\"event\"} 8.0", "herald_streams_log_records_total{kind=\"clear\"} 2.0",
                        "herald_streams_metered_bytes_total", "herald_streams_running 1.0", "kafka_stream");
            } finally {
                streams.close();
            }
        }

        Map<String, RetainedEvent> before = latestTable(broker);
        Map<String, List<Long>> totalsBefore = usageTotals(broker);
        broker.stop();
        broker.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            ConfigResource latest = new ConfigResource(ConfigResource.Type.TOPIC, "herald.latest");
            assertThat(admin.describeConfigs(Set.of(latest)).all().get().get(latest).get("cleanup.policy").value()).isEqualTo("compact");
        }
        // a new state folder: the RocksDB store comes back from herald.latest itself
        StreamsService again = StreamsService.start(config(broker, dir.resolve("state-2")));
        try {
            assertThat(again.awaitRunning(Duration.ofSeconds(90))).as(again.notReadyReason()).isTrue();
            Map<String, RetainedEvent> after = latestTable(broker);
            assertThat(after.keySet()).isEqualTo(before.keySet()).containsExactlyInAnyOrder("car-1", "car-2");
            after.forEach((channel, event) -> assertThat(event.position()).isEqualTo(before.get(channel).position()));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(again.latest("car-2").event().id()).isEqualTo(lastPublished.get("car-2").get("id").asText());
                assertThat(again.latest("doc/7")).isNull();
            });
            assertThat(usageTotals(broker)).as("nothing counted twice after the restart").isEqualTo(totalsBefore).isEqualTo(published);
        } finally {
            again.close();
            broker.stop();
        }
    }

    private static Map<String, String> configMap(EmbeddedKafkaBroker broker, Path state) {
        return Map.of("bootstrap.servers", broker.bootstrapServers(), "state.dir", state.toString(), "http.port", "0",
                "kafka.commit.interval.ms", "100");
    }

    private static HeraldStreamsConfig config(EmbeddedKafkaBroker broker, Path state) {
        return new HeraldStreamsConfig(configMap(broker, state));
    }

    /** Publishes {@code json} to {@code channel} through ingest with its clock at {@code at}, and books it. */
    private void publish(String base, SetClock clock, String channel, Instant at, String json) {
        clock.now = at;
        HttpResponse<String> r = HttpTestClient.post(base + "/v1/channels/" + channel.replace("/", "%2F") + "/events", json,
                "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        lastPublished.put(channel, HttpTestClient.json(r));
        published.merge(channel + "@" + at.truncatedTo(ChronoUnit.MINUTES), List.of(1L, (long) json.getBytes(StandardCharsets.UTF_8).length),
                (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
    }

    private HttpResponse<String> clear(String base, String channel) {
        lastPublished.remove(channel);
        return HttpTestClient.send(HttpRequest.newBuilder(URI.create(base + "/v1/channels/" + channel.replace("/", "%2F") + "/latest"))
                .DELETE().build());
    }

    /** Each named channel's latest value is its last acknowledged event: id, payload, and position (ingest's epoch, partition, offset). */
    private void assertLatestIsLastPublished(Map<String, RetainedEvent> table, IngestServer ingest, String... channels) {
        for (String channel : channels) {
            JsonNode ack = lastPublished.get(channel);
            RetainedEvent latest = table.get(channel);
            assertThat(latest).as(channel).isNotNull();
            assertThat(latest.event().id()).as(channel).isEqualTo(ack.get("id").asText());
            assertThat(latest.position()).as(channel)
                    .isEqualTo(new Position(ingest.epoch(), ack.get("partition").asInt(), ack.get("offset").asLong()));
        }
    }

    /** herald.latest read as a compacted topic ends up: the last value of each key, a tombstone removing it. */
    private static Map<String, RetainedEvent> latestTable(EmbeddedKafkaBroker broker) {
        Map<String, RetainedEvent> table = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(broker.bootstrapServers(), "herald.latest")) {
            String channel = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                table.remove(channel);
            } else {
                table.put(channel, RetainedEventCodec.decode(r.value()));
            }
        }
        return table;
    }

    /** herald.stats as a billing reader takes it: the last record of each channel and minute, [events, bytes]. */
    private static Map<String, List<Long>> usageTotals(EmbeddedKafkaBroker broker) {
        Map<String, List<Long>> totals = new TreeMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(broker.bootstrapServers(), "herald.stats");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChannelUsage u = ChannelUsageCodec.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(u.channel());
            totals.put(u.channel() + "@" + u.windowStart(), List.of(u.events(), u.bytes()));
        }
        return totals;
    }
}
