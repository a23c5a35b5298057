package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 6: Kafka's retention passes a slow subscriber's position while it is away. When it resumes
 * from that position, neither the edge's history (kept short here) nor the log holds what it
 * missed: it must be told so explicitly ({@code recovered:false}, {@code offset-out-of-range}) and
 * then get live events, never a silent gap. The other subscribers, live throughout, lose nothing.
 */
@ExtendWith(DockerEngine.class)
class RetentionFaultTest {

    static final String FAULT = "retention-passed";
    static final int HISTORY = 20;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSubscriberWhosePositionRetentionDeletedIsToldSoExplicitly() throws Exception {
        ContainerCluster.Options options = ContainerCluster.Options.edges(2)
                .withBrokerSetting("log.retention.check.interval.ms", "1000")
                .withEdgeSetting("history.per.channel", Integer.toString(HISTORY));
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, options);
             FaultTraffic traffic = new FaultTraffic(cluster, "retention", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            String channel = "retention-0";

            // the slow subscriber: follows the channel for a while, then goes away with its position
            JsonNode last;
            try (WsTestClient slow = WsTestClient.connect(cluster.edgeWebSocket(0))) {
                slow.subscribe(channel, null);
                last = nextOf(slow, "event");
            }
            String[] at = acknowledgedAt(traffic, last.path("id").asText()).split(":");
            TopicPartition partition = new TopicPartition(ContainerCluster.TOPIC, Integer.parseInt(at[0]));
            long offset = Long.parseLong(at[1]);

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            try (Admin admin = cluster.admin()) {
                // an operator shortens the log's retention: old segments go within seconds
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, ContainerCluster.TOPIC);
                admin.incrementalAlterConfigs(Map.of(topic, List.of(
                        new AlterConfigOp(new ConfigEntry("retention.ms", "3000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset() <= offset + 1) {
                    assertThat(System.nanoTime()).as("retention passed offset %d of %s within 120 s", offset, partition).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(500);
                }
            }

            try (WsTestClient back = WsTestClient.connect(cluster.edgeWebSocket(1))) {
                back.subscribe(channel, last.path("position").asText());
                JsonNode answer = nextOf(back, "subscribed");
                assertThat(answer.path("recovered").asBoolean(true)).as(answer.toString()).isFalse();
                assertThat(answer.path("reason").asText()).as(answer.toString()).isEqualTo("offset-out-of-range");
                JsonNode live = nextOf(back, "event");
                assertThat(live.path("channel").asText()).isEqualTo(channel);
            }
            FaultSuite.run(Duration.ofSeconds(3));

            FaultSuite.judge(traffic, 6, FAULT, "Retention passed a slow subscriber's position",
                    "A subscriber of one channel left; the topic's retention was cut to 3 s (an operator's `incrementalAlterConfigs`) "
                            + "and the edges kept " + HISTORY + " events per channel, until the log's start passed its position. On "
                            + "resuming it was answered `recovered:false`, `offset-out-of-range`, then got live events. Meanwhile 4 "
                            + "publishers sent about 100 events/s to 6 channels followed by 20 other WebSocket subscribers, judged as "
                            + "in every suite.", start);
        }
    }

    /** The {@code partition:offset} of event {@code id}'s 201 (which may come after a subscriber already has the event). */
    private static String acknowledgedAt(FaultTraffic traffic, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String at = traffic.acknowledgedPositions().get(id);
            if (at != null) {
                return at;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("event " + id + " was received but its publisher got no 201 within 30 s");
    }

    /** The next frame whose op is {@code op}, skipping others (events before a subscribed answer cannot come). */
    private static JsonNode nextOf(WsTestClient client, String op) {
        for (int i = 0; i < 10_000; i++) {
            JsonNode frame = client.next();
            if (op.equals(frame.path("op").asText())) {
                return frame;
            }
        }
        throw new AssertionError("no " + op + " frame in 10,000");
    }
}
