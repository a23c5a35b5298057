package dev.herald.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three embedded brokers forming one KRaft cluster, as {@code herald broker --node-id N --controller-quorum-voters ...} does. */
class EmbeddedKafkaClusterTest {

    @TempDir
    Path dir;

    @Test
    void threeNodesFormOneClusterThatKeepsAcknowledgedRecordsThroughTheLossOfTheLeader() throws Exception {
        int[] controllerPorts = FreePorts.distinct(3);
        String voters = "1@127.0.0.1:" + controllerPorts[0] + ",2@127.0.0.1:" + controllerPorts[1] + ",3@127.0.0.1:" + controllerPorts[2];
        String clusterId = Uuid.randomUuid().toString();
        List<EmbeddedKafkaBroker> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            nodes.add(EmbeddedKafkaBroker.builder(dir.resolve("node-" + id)).nodeId(id).controllerQuorumVoters(voters)
                    .clusterId(clusterId).build());
        }
        try {
            // each start waits for a quorum: the three must start together
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new))
                    .get(120, TimeUnit.SECONDS);
            String bootstrap = String.join(",", nodes.stream().map(EmbeddedKafkaBroker::bootstrapServers).toList());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(3);
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                admin.createTopics(List.of(new NewTopic("events", 1, (short) 3))).all().get();
                Config config = topicConfig(admin);
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
                assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");

                try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                    producer.send(new ProducerRecord<>("events", 0, "k", "before")).get(30, TimeUnit.SECONDS);
                    int leader = describe(admin).partitions().get(0).leader().id();
                    nodes.get(leader - 1).stop();

                    producer.send(new ProducerRecord<>("events", 0, "k", "after")).get(60, TimeUnit.SECONDS);
                    assertThat(describe(admin).partitions().get(0).leader().id()).isNotEqualTo(leader);
                    assertThat(read(bootstrap, 2)).containsExactly("before", "after");

                    nodes.get(leader - 1).start();
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (describe(admin).partitions().get(0).isr().size() < 3 && System.nanoTime() < deadline) {
                        TimeUnit.MILLISECONDS.sleep(200);
                    }
                    assertThat(describe(admin).partitions().get(0).isr()).hasSize(3);
                }
            }
        } finally {
            // together: a node stopped last, alone, would wait for a quorum that is gone
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::stop)).toArray(CompletableFuture[]::new))
                    .get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNodeOfAClusterNeedsTheSharedClusterIdAndAPlaceAmongTheVoters() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder(dir).nodeId(1)
                .controllerQuorumVoters("1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster id");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder(dir).nodeId(4).clusterId(Uuid.randomUuid().toString())
                .controllerQuorumVoters("1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 4 is not among");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder(dir).clusterId("not-a-uuid"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64url UUID");
    }

    /** The topic's configuration, once the node asked has the new topic's metadata. */
    private static Config topicConfig(Admin admin) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "events"))).all().get()
                        .values().iterator().next();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(Set.of("events")).allTopicNames().get().get("events");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true",
                "delivery.timeout.ms", "60000"), new StringSerializer(), new StringSerializer());
    }

    private static List<String> read(String bootstrap, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("events", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
