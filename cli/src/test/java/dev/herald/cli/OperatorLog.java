package dev.herald.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Epoch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node broker for the operator commands' tests, with the plain Kafka clients a
 * test uses to set the scene as any other Kafka user could: an Admin, and an {@code acks=all}
 * producer that writes records with chosen partitions, timestamps and no Herald headers.
 */
final class OperatorLog implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    OperatorLog(Path dir) {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Admin admin() {
        return admin;
    }

    /** A new topic of {@code partitions} partitions. */
    String topic(int partitions) throws Exception {
        String name = "log-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        return name;
    }

    /** The topic's epoch: its id and partition count. */
    Epoch epoch(String topic) throws Exception {
        var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return new Epoch(new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()), d.partitions().size());
    }

    /** Writes one record (no headers) and waits for its ack. */
    RecordMetadata send(String topic, Integer partition, long timestampMs, String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, timestampMs, key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value)).get();
    }

    /** Writes {@code count} records {@code {}} with {@code key} (no headers), and waits for all their acks. */
    void sendMany(String topic, String key, int count) throws Exception {
        List<java.util.concurrent.Future<RecordMetadata>> acks = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(producer.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
        for (var ack : acks) {
            ack.get();
        }
    }

    /** The ids of every group on the cluster. */
    List<String> groups() throws Exception {
        return admin.listGroups().all().get().stream().map(GroupListing::groupId).sorted().toList();
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
        broker.stop();
    }
}
