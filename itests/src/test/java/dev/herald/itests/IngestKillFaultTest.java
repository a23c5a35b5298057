package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 8: ingest killed (SIGKILL) mid-load, and started again. Requests in flight fail (the
 * connection breaks) and are retried by their publishers with their keys; no publish gets a 201
 * for an event that is not in the log: every acknowledged event is read back from Kafka, by a plain
 * Kafka consumer, at the partition and offset its 201 named.
 */
@ExtendWith(DockerEngine.class)
class IngestKillFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(8, "ingest-kill", "Ingest killed (SIGKILL) mid-load, restarted");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyAcknowledgementOfAKilledIngestIsInTheLog() throws Exception {
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "ingestkill", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            cluster.ingest().kill();
            FaultSuite.run(Duration.ofSeconds(5));
            traffic.ledger().mark("restart");
            cluster.ingest().startAgain();
            FaultSuite.run(Duration.ofSeconds(10));

            FaultSuite.judge(traffic, FAULT, List.of("restart"), "from the restart: publishing acknowledged again, and every "
                            + "subscriber had everything acknowledged before it and received new events on every channel again",
                    "`docker kill` of ingest while 4 publishers sent about 100 events/s to 6 channels followed by 20 WebSocket "
                            + "subscribers over two edges; requests in flight broke and were retried with their Idempotency-Key; "
                            + "ingest started again after 5 s. Every acknowledged event was then read back from the log at the "
                            + "partition and offset of its 201, by a plain Kafka consumer.", start,
                    report -> {
                        assertThat(report.unknown()).as("publishes that broke or found no ingest while it was down").isPositive();
                        Map<String, String> acknowledged = traffic.acknowledgedPositions();
                        assertThat(acknowledged).hasSize((int) report.acknowledged());
                        Map<String, String> inLog = idsInLog(cluster, acknowledged.values().stream()
                                .mapToInt(p -> Integer.parseInt(p.split(":")[0])).distinct().toArray());
                        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
                            assertThat(inLog.get(ack.getValue())).as("the event at %s, acknowledged as %s", ack.getValue(), ack.getKey())
                                    .isEqualTo(ack.getKey());
                        }
                    });
        }
    }

    /** Event id by {@code partition:offset}, over the given partitions of the log, read from the start. */
    private static Map<String, String> idsInLog(ContainerCluster cluster, int[] partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, String> ids = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = java.util.Arrays.stream(partitions).mapToObj(i -> new TopicPartition(ContainerCluster.TOPIC, i)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header id = r.headers().lastHeader("ce_id");
                    ids.put(r.partition() + ":" + r.offset(), id == null ? null : new String(id.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return ids;
    }
}
