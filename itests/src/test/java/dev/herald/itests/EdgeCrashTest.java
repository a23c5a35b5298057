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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.RecordMapping;
import dev.herald.testkit.DeliveryLedger;
import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.FreePorts;
import dev.herald.testkit.HeraldProcess;
import dev.herald.testkit.ResumingSubscriber;
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
        DeliveryLedger ledger = new DeliveryLedger();
        List<ResumingSubscriber> subs = new ArrayList<>();
        List<Exception> publishFailures = new CopyOnWriteArrayList<>();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        try (HeraldProcess edge = HeraldProcess.start("listening on", Duration.ofSeconds(90), args)) {
            for (String channel : CHANNELS) {
                for (int i = 0; i < SUBSCRIBERS_PER_CHANNEL; i++) {
                    ResumingSubscriber s = new ResumingSubscriber(channel + "-" + i, List.of(channel), ledger, http);
                    s.connect(url);
                    subs.add(s);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(ResumingSubscriber::subscribed));

            // 200 events/s over four channels, paced by the scheduler; each ack is recorded as it comes.
            publisher.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= EVENTS) {
                    return;
                }
                Event e = event(CHANNELS.get(i % CHANNELS.size()), i / CHANNELS.size());
                producer.send(record(e), (meta, error) -> {
                    if (error == null) {
                        ledger.acknowledged(e.channel(), e.id(), meta.partition(), meta.offset());
                    } else {
                        publishFailures.add(error);
                    }
                });
            }, 0, PUBLISH_EVERY_MS, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.report().receipts() >= 50L * subs.size());
            ledger.mark("edge killed");
            edge.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(s -> s.closeCode().isDone()));
        }

        try (HeraldProcess edge = HeraldProcess.start("listening on", Duration.ofSeconds(90), args)) {
            for (ResumingSubscriber s : subs) {
                s.connect(url);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> next.get() >= EVENTS);
            producer.flush();
            publisher.shutdown();
            assertThat(publishFailures).isEmpty();

            DeliveryReport report = ledger.awaitDelivered(Duration.ofSeconds(60));

            assertThat(report.acknowledged()).isEqualTo(EVENTS);
            assertThat(report.clean()).as("every acknowledged event, in order, once on each connection: %s", report).isTrue();
            assertThat(report.redeliveries()).as("each resume began after the last event seen: nothing came twice").isZero();
            assertThat(report.recovery("edge killed").recovered()).as(report.toString()).isTrue();
            assertThat(subs).allSatisfy(s -> assertThat(s.notRecovered()).as("%s: every resume recovered", s.name()).isZero());

            // SIGTERM: drain. Every connection is told to go away (1001) and the offsets are committed.
            assertThat(edge.stop(Duration.ofSeconds(60))).isEqualTo(143);
            for (ResumingSubscriber s : subs) {
                assertThat(s.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
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
            subs.forEach(ResumingSubscriber::close);
        }
    }

    private static Event event(String channel, int n) {
        return new Event(UUID.randomUUID().toString(), channel, Event.DEFAULT_TYPE, "crash-test", Instant.now(), "application/json",
                ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> record(Event e) {
        List<Header> headers = new ArrayList<>();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        return new ProducerRecord<>(TOPIC, null, RecordMapping.key(e), e.payload(), headers);
    }

}
