package dev.herald.edge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real broker for edge tests, with the publishing side of Herald reduced to a plain
 * idempotent {@code acks=all} producer writing records as ingest does (CloudEvents headers), and
 * edges started on it with their own ids, data folders and free ports.
 */
final class LogFixture implements AutoCloseable {

    private final Path dir;
    private final EmbeddedKafkaBroker broker;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final Map<String, Epoch> epochs = new java.util.concurrent.ConcurrentHashMap<>();

    LogFixture(Path dir) {
        this.dir = dir;
        this.broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all",
                "enable.idempotence", "true"), new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    Admin admin() {
        return admin;
    }

    /** A new log topic of 3 partitions. */
    String topic() throws Exception {
        String name = "log-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get();
        return name;
    }

    /** Starts an edge on {@code topic} with a new id and data folder, on a free port. */
    EdgeServer edge(String topic, Map<String, String> extra) {
        String id = "e-" + UUID.randomUUID();
        return EdgeServer.start(new EdgeConfig(edgeSettings(topic, id, dir.resolve("edge-" + id), extra)));
    }

    /** The settings of an edge with the given id and data folder. */
    Map<String, String> edgeSettings(String topic, String edgeId, Path dataDir, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "topic", topic,
                "http.port", "0", "edge.id", edgeId, "data.dir", dataDir.toString(), "auth.mode", "none"));
        config.putAll(extra);
        return config;
    }

    /** Publishes as ingest would (CloudEvents headers), waits for the ack and returns the event's position. */
    String publish(String topic, String channel, String json) throws Exception {
        RecordMetadata meta = producer.send(record(topic, channel, json)).get();
        return PositionCodec.encode(new Position(epoch(topic), meta.partition(), meta.offset()));
    }

    /** The epoch of {@code topic}: its id and partition count, read once per topic (tests never re-create one). */
    Epoch epoch(String topic) throws Exception {
        Epoch known = epochs.get(topic);
        if (known != null) {
            return known;
        }
        var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Epoch epoch = new Epoch(new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()), d.partitions().size());
        epochs.put(topic, epoch);
        return epoch;
    }

    /** A record as ingest writes it: key = channel, JSON payload, CloudEvents headers. */
    static ProducerRecord<byte[], byte[]> record(String topic, String channel, String json) {
        return record(topic, event(channel, json));
    }

    /** An event as ingest makes one: a new id, the time now, a JSON payload. */
    static Event event(String channel, String json) {
        return new Event(UUID.randomUUID().toString(), channel, Event.DEFAULT_TYPE, "test", Instant.now(), "application/json",
                json.getBytes(StandardCharsets.UTF_8));
    }

    /** The record ingest writes for {@code e}. */
    static ProducerRecord<byte[], byte[]> record(String topic, Event e) {
        List<Header> headers = new ArrayList<>();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        return new ProducerRecord<>(topic, null, RecordMapping.key(e), e.payload(), headers);
    }

    /** The integers {@code from} (inclusive) to {@code to} (exclusive). */
    static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    @Override
    public void close() {
        admin.close();
        producer.close();
        broker.stop();
    }
}
