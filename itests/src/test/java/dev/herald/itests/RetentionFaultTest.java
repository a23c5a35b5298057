package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(6, "retention-passed", "Retention passed a slow subscriber's position");
    static final int HISTORY = 20;
    static final Duration RETENTION = Duration.ofSeconds(10);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSubscriberWhosePositionRetentionDeletedIsToldSoExplicitly() throws Exception {
        ContainerCluster.Options options = ContainerCluster.Options.edges(2)
                .withBrokerSetting("log.retention.check.interval.ms", "1000")
                .withEdgeSetting("history.per.channel", Integer.toString(HISTORY));
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), options);
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
            try (Admin admin = cluster.admin()) {
                // an operator shortens the log's retention: old segments go within seconds
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, ContainerCluster.TOPIC);
                admin.incrementalAlterConfigs(Map.of(topic, List.of(
                        new AlterConfigOp(new ConfigEntry("retention.ms", Long.toString(RETENTION.toMillis())), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset() <= offset + 1) {
                    assertThat(System.nanoTime()).as("retention passed offset %d of %s within 120 s", offset, partition).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(500);
                }
            }

            JsonNode answer;
            JsonNode live;
            long resumed = System.nanoTime();
            Duration toLive;
            try (WsTestClient back = WsTestClient.connect(cluster.edgeWebSocket(1))) {
                back.subscribe(channel, last.path("position").asText());
                answer = nextOf(back, "subscribed");
                live = nextOf(back, "event");
                toLive = Duration.ofNanos(System.nanoTime() - resumed);
            }
            long liveOffset = Long.parseLong(acknowledgedAt(traffic, live.path("id").asText()).split(":")[1]);
            FaultSuite.run(Duration.ofSeconds(3));

            FaultSuite.judge(traffic, FAULT, Optional.of(toLive), "the slow subscriber's resume: from its subscribe to its "
                            + "answer and its first live event",
                    "A subscriber of one channel left; the topic's retention was cut to " + RETENTION.toSeconds() + " s (an "
                            + "operator's `incrementalAlterConfigs`) and the edges kept " + HISTORY + " events per channel, until "
                            + "the log's start passed its position. On resuming it was answered `recovered:false`, "
                            + "`offset-out-of-range`, then got live events. Meanwhile 4 publishers sent about 100 events/s to 6 "
                            + "channels followed by 20 other WebSocket subscribers, judged as in every suite.", start,
                    report -> {
                        assertThat(answer.path("recovered").asBoolean(true)).as(answer.toString()).isFalse();
                        assertThat(answer.path("reason").asText()).as(answer.toString()).isEqualTo("offset-out-of-range");
                        assertThat(live.path("channel").asText()).isEqualTo(channel);
                        assertThat(liveOffset).as("the first live event comes after the position it had").isGreaterThan(offset);
                    });
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
