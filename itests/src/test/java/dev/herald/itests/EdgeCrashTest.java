package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge process ({@code herald edge}, as a user runs it) killed with SIGKILL while events are
 * published and delivered, then restarted on the same data: subscribers that reconnect with
 * their last positions get every acknowledged event exactly once. Then SIGTERM drains it: every
 * connection is closed with 1001 and the consumer group's offsets are committed up to the log end.
 */
class EdgeCrashTest {

    private static final String TOPIC = "crash.events";
    private static final List<String> CHANNELS = List.of("c0", "c1", "c2", "c3");
    private static final int SUBSCRIBERS_PER_CHANNEL = 3;
    private static final int EVENTS = 1_200;
    private static final long PUBLISH_EVERY_MS = 5;

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all", "enable.idempotence", "true",
                "linger.ms", "1"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stopBroker() {
        producer.close();
        broker.stop();
    }

    @Test
    void aKilledEdgeRestartsAndEverySubscriberGetsEveryAcknowledgedEventOnceThenSigtermDrains() throws Exception {
        int port = FreePorts.next();
        String[] args = {"edge", "--set", "bootstrap.servers=" + broker.bootstrapServers(), "--set", "topic=" + TOPIC,
                "--set", "http.port=" + port, "--set", "edge.id=crash", "--set", "data.dir=" + dir.resolve("edge"),
                "--set", "auth.mode=none"};
        String url = "ws://127.0.0.1:" + port + "/v1/ws";
        List<Sub> subs = new ArrayList<>();
        Map<String, Set<Integer>> acked = new ConcurrentHashMap<>();
        CHANNELS.forEach(c -> acked.put(c, ConcurrentHashMap.newKeySet()));
        List<Exception> publishFailures = new CopyOnWriteArrayList<>();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        try (HeraldProcess edge = HeraldProcess.start("listening on", Duration.ofSeconds(90), args)) {
            for (String channel : CHANNELS) {
                for (int i = 0; i < SUBSCRIBERS_PER_CHANNEL; i++) {
                    Sub s = new Sub(channel);
                    s.connect(http, url);
                    subs.add(s);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(Sub::subscribed));

            // 200 events/s over four channels, paced by the scheduler; each ack is recorded as it comes.
            publisher.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= EVENTS) {
                    return;
                }
                String channel = CHANNELS.get(i % CHANNELS.size());
                int n = i / CHANNELS.size();
                producer.send(record(channel, n), (meta, error) -> {
                    if (error == null) {
                        acked.get(channel).add(n);
                    } else {
                        publishFailures.add(error);
                    }
                });
            }, 0, PUBLISH_EVERY_MS, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                subs.forEach(Sub::drain);
                return subs.stream().allMatch(s -> s.received() >= 50);
            });
            edge.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(s -> s.connection.closeCode().isDone()));
            subs.forEach(Sub::drain);
        }

        try (HeraldProcess edge = HeraldProcess.start("listening on", Duration.ofSeconds(90), args)) {
            for (Sub s : subs) {
                s.connect(http, url);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> next.get() >= EVENTS);
            producer.flush();
            publisher.shutdown();
            assertThat(publishFailures).isEmpty();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                subs.forEach(Sub::drain);
                return subs.stream().allMatch(s -> s.received() >= acked.get(s.channel).size());
            });
            subs.forEach(Sub::drain);
            for (Sub s : subs) {
                assertThat(s.resumedWithoutLoss).as("every resume was recovered").isTrue();
                assertThat(s.repeatOnAConnection).as("no event twice on one connection").isFalse();
                assertThat(s.ns).as("%s: every acknowledged event, in order, once", s.channel)
                        .containsExactlyElementsOf(acked.get(s.channel).stream().sorted().toList());
            }

            // SIGTERM: drain. Every connection is told to go away (1001) and the offsets are committed.
            assertThat(edge.stop(Duration.ofSeconds(60))).isEqualTo(143);
            for (Sub s : subs) {
                assertThat(s.connection.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("herald-edge-crash")
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get();
                for (var e : ends.entrySet()) {
                    assertThat(committed.get(e.getKey()).offset()).as("committed offset of %s", e.getKey()).isEqualTo(e.getValue().offset());
                }
            }
        } finally {
            publisher.shutdownNow();
            subs.forEach(s -> s.connection.close());
        }
    }

    /** A subscriber of one channel that reconnects with its last position, across connections. */
    private static final class Sub {
        final String channel;
        final List<Integer> ns = new ArrayList<>();
        WsSubscriber connection;
        String lastPosition;
        long lastOffsetOnConnection;
        boolean subscribedOnConnection;
        boolean resumedWithoutLoss = true;
        boolean repeatOnAConnection;

        Sub(String channel) {
            this.channel = channel;
        }

        synchronized void connect(HttpClient http, String url) {
            connection = WsSubscriber.connect(http, url);
            lastOffsetOnConnection = -1;
            subscribedOnConnection = false;
            connection.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\""
                    + (lastPosition == null ? "" : ",\"since\":\"" + lastPosition + "\"") + "}");
        }

        synchronized boolean subscribed() {
            drain();
            return subscribedOnConnection;
        }

        synchronized int received() {
            return ns.size();
        }

        synchronized void drain() {
            try {
                for (JsonNode f = connection.poll(0); f != null; f = connection.poll(0)) {
                    accept(f);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void accept(JsonNode f) {
            switch (f.get("op").asText()) {
                case "subscribed" -> {
                    subscribedOnConnection = true;
                    if (lastPosition == null) {
                        lastPosition = f.get("position").asText();
                    } else if (!f.get("recovered").asBoolean()) {
                        resumedWithoutLoss = false;
                    }
                }
                case "event" -> {
                    long offset = PositionCodec.decode(f.get("position").asText()).offset();
                    if (offset <= lastOffsetOnConnection) {
                        repeatOnAConnection = true;
                    }
                    lastOffsetOnConnection = offset;
                    lastPosition = f.get("position").asText();
                    ns.add(f.at("/data/n").asInt());
                }
                default -> throw new AssertionError("unexpected frame " + f);
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String channel, int n) {
        Event e = new Event(UUID.randomUUID().toString(), channel, Event.DEFAULT_TYPE, "crash-test", Instant.now(), "application/json",
                ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        List<Header> headers = new ArrayList<>();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        return new ProducerRecord<>(TOPIC, null, RecordMapping.key(e), e.payload(), headers);
    }

}
