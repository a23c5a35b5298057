package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.fanout.ReplayRange;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code herald replay} run in-process as an operator runs it, against a real broker, an ingest
 * (events published over HTTP) and edges: the dry run's counts are what {@code --execute} then
 * replays; a target before the log start is reported and refused unless {@code --from-log-start};
 * a running edge without {@code --edge-url} is refused with what to do; a stopped edge's offsets
 * move back and, its store lost, it rebuilds its history from them on start, delivering nothing
 * twice; and Kafka's own refusal to move an active group's offsets comes back in words.
 */
class ReplayCommandTest {

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    private record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.stop();
    }

    private static Run replay(String... args) {
        CommandLine cl = HeraldCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("replay", "--bootstrap-servers", broker.bootstrapServers()));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** An ingest publishing to a new topic of 3 partitions. */
    private static IngestServer ingest(String topic) {
        return IngestServer.start(new IngestConfig(Map.of(IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(), IngestConfig.HTTP_PORT, "0",
                IngestConfig.TOPIC, topic, IngestConfig.TOPIC_PARTITIONS, "3", IngestConfig.TOPIC_REPLICATION_FACTOR, "1",
                IngestConfig.INGEST_ID, "t", "auth.mode", "none", "limits.publish.rate", "off")));
    }

    private static Map<String, String> edgeSettings(String topic, String edgeId) {
        return new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "topic", topic, "http.port", "0", "edge.id", edgeId,
                "data.dir", dir.resolve("edge-" + edgeId).toString(), "auth.mode", "none"));
    }

    /** Publishes {"n":from..} to {@code channel} through ingest; returns each event's ingest answer. */
    private static List<JsonNode> publish(IngestServer ingest, String channel, int from, int count) {
        List<JsonNode> acks = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            HttpResponse<String> r = HttpTestClient.post(ingest.baseUrl() + "/v1/channels/" + channel + "/events", "{\"n\":" + i + "}",
                    "Content-Type", "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            acks.add(HttpTestClient.json(r));
        }
        return acks;
    }

    private static void awaitConsumed(EdgeServer edge, int events) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> edge.registry().get("herald.edge.consumed").tag("result", "delivered").counter().count() >= events);
    }

    /** Waits until the edge has committed (not only consumed) {@code events} offsets in all: a plan ends at the committed offsets. */
    private static void awaitCommitted(String edgeId, long events) {
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.listConsumerGroupOffsets("herald-edge-" + edgeId)
                .partitionsToOffsetAndMetadata().get().values().stream().mapToLong(o -> o.offset()).sum() >= events);
    }

    /** The records column of an exported plan, summed. */
    private static long csvRecords(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int column = List.of(lines.get(0).split(",")).indexOf("records");
        return lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",", -1)[column])).sum();
    }

    /** The records a finished replay says it read, from its summary line. */
    private static long replayedRecords(Run run) {
        Matcher m = Pattern.compile("replay \\d+ done in [^:]+: ([\\d,]+) records read").matcher(run.out());
        assertThat(m.find()).as(run.out() + run.err()).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void theDryRunsCountsAreWhatExecuteThenReplaysOnARunningEdge() throws Exception {
        String topic = "log-" + UUID.randomUUID();
        String edgeId = "e-" + UUID.randomUUID();
        try (IngestServer ingest = ingest(topic);
             EdgeServer edge = EdgeServer.start(new EdgeConfig(edgeSettings(topic, edgeId)))) {
            publish(ingest, "a", 0, 20);
            publish(ingest, "b", 0, 7);
            publish(ingest, "c", 0, 3);
            awaitConsumed(edge, 30);
            awaitCommitted(edgeId, 30);

            Path everything = dir.resolve("everything.csv");
            Run dry = replay("--edge", edgeId, "--topic", topic, "--shift-by", "-1000", "--export", everything.toString());
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("Dry run: nothing replayed").contains("30 records");
            assertThat(Files.readAllLines(everything)).hasSize(1 + 3).first().asString().startsWith("edge,topic,mode,channel,partition");
            assertThat(csvRecords(everything)).isEqualTo(30);

            Run all = replay("--edge", edgeId, "--topic", topic, "--shift-by", "-1000", "--execute", "--edge-url", edge.baseUrl());
            assertThat(all.exit()).as(all.out() + all.err()).isZero();
            assertThat(replayedRecords(all)).isEqualTo(csvRecords(everything));

            Path oneChannel = dir.resolve("one.csv");
            Run dryA = replay("--edge", edgeId, "--topic", topic, "--channel", "a", "--shift-by", "-12", "--mode", "redeliver",
                    "--export", oneChannel.toString());
            assertThat(dryA.exit()).as(dryA.err()).isZero();
            long planned = csvRecords(oneChannel);
            assertThat(Files.readAllLines(oneChannel)).hasSize(2);
            Run a = replay("--edge", edgeId, "--topic", topic, "--channel", "a", "--shift-by", "-12", "--mode", "redeliver", "--execute",
                    "--edge-url", edge.baseUrl());
            assertThat(a.exit()).as(a.out() + a.err()).isZero();
            assertThat(replayedRecords(a)).as("the channel's records among the partition's last 12 offsets").isEqualTo(planned).isPositive();
        }
    }

    @Test
    void aTargetBeforeTheLogStartIsReportedAndReplayedOnlyFromTheLogStartWhenAskedTo() throws Exception {
        String topic = "log-" + UUID.randomUUID();
        String edgeId = "e-" + UUID.randomUUID();
        try (IngestServer ingest = ingest(topic);
             EdgeServer edge = EdgeServer.start(new EdgeConfig(edgeSettings(topic, edgeId)))) {
            java.time.Instant beforeAll = java.time.Instant.now().minusSeconds(5);
            List<JsonNode> acks = publish(ingest, "kept", 0, 10);
            awaitConsumed(edge, 10);
            awaitCommitted(edgeId, 10);
            int partition = acks.get(0).get("partition").asInt();
            long first = acks.get(0).get("offset").asLong();
            admin.deleteRecords(Map.of(new TopicPartition(topic, partition), RecordsToDelete.beforeOffset(first + 4))).all().get();

            String[] plan = {"--edge", edgeId, "--topic", topic, "--to-offset", partition + ":" + first};
            Run dry = replay(plan);
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("target " + first + " is before the log start: 4 records gone (retention)");

            Run refused = replay(append(plan, "--execute", "--edge-url", edge.baseUrl()));
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("partition " + partition + ": the target offset " + first + " is before the log start "
                    + (first + 4)).contains("--from-log-start");

            Run clamped = replay(append(plan, "--execute", "--edge-url", edge.baseUrl(), "--from-log-start"));
            assertThat(clamped.exit()).as(clamped.out() + clamped.err()).isZero();
            assertThat(replayedRecords(clamped)).isEqualTo(6);

            // a time before the oldest record left resolves to the log start in Kafka: reported and refused all the same
            String[] byTime = {"--edge", edgeId, "--topic", topic, "--channel", "kept", "--to-datetime", beforeAll.toString()};
            Run timeDry = replay(byTime);
            assertThat(timeDry.exit()).as(timeDry.err()).isZero();
            assertThat(timeDry.out()).contains("the time is before the oldest record left: records after it may be gone (retention)");
            Run timeRefused = replay(append(byTime, "--execute", "--edge-url", edge.baseUrl()));
            assertThat(timeRefused.exit()).isEqualTo(2);
            assertThat(timeRefused.err()).contains("partition " + partition + ": the time is before the oldest record left at offset "
                    + (first + 4)).contains("--from-log-start");
            Run timeClamped = replay(append(byTime, "--execute", "--edge-url", edge.baseUrl(), "--from-log-start"));
            assertThat(timeClamped.exit()).as(timeClamped.out() + timeClamped.err()).isZero();
            assertThat(replayedRecords(timeClamped)).isEqualTo(6);
        }
    }

    @Test
    void aStoppedEdgeWithALostStoreHasItsOffsetsMovedBackAndRebuildsItsHistoryDeliveringNothingTwice() throws Exception {
        String topic = "log-" + UUID.randomUUID();
        String edgeId = "e-" + UUID.randomUUID();
        Map<String, String> settings = edgeSettings(topic, edgeId);
        try (IngestServer ingest = ingest(topic)) {
            List<JsonNode> acks;
            try (EdgeServer edge = EdgeServer.start(new EdgeConfig(settings))) {
                acks = publish(ingest, "s", 0, 10);
                awaitConsumed(edge, 10);
                Run running = replay("--edge", edgeId, "--topic", topic, "--shift-by", "-10", "--execute");
                assertThat(running.exit()).isEqualTo(2);
                assertThat(running.err()).contains("edge " + edgeId + " is running").contains("--edge-url");
            }
            deleteTree(dir.resolve("edge-" + edgeId)); // the disk is lost
            int partition = acks.get(0).get("partition").asInt();
            String[] plan = {"--edge", edgeId, "--topic", topic, "--partitions", Integer.toString(partition), "--shift-by", "-10"};

            Run redeliver = replay(append(plan, "--execute", "--mode", "redeliver"));
            assertThat(redeliver.exit()).isEqualTo(2);
            assertThat(redeliver.err()).contains("is stopped, and redeliver sends to its live subscribers");

            Run moved = replay(append(plan, "--execute"));
            assertThat(moved.exit()).as(moved.out() + moved.err()).isZero();
            assertThat(moved.out()).contains("Moved the committed offsets of group herald-edge-" + edgeId);
            long committed = admin.listConsumerGroupOffsets("herald-edge-" + edgeId).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, partition)).offset();
            assertThat(committed).isEqualTo(acks.get(0).get("offset").asLong());

            try (EdgeServer edge = EdgeServer.start(new EdgeConfig(settings))) {
                awaitConsumed(edge, 10);
                Position first = PositionCodec.decode(acks.get(0).get("position").asText());
                try (WsTestClient resumed = WsTestClient.connect(edge.webSocketUrl())) {
                    resumed.subscribe("s", PositionCodec.encode(new Position(first.epoch(), first.partition(), first.offset() - 1)));
                    assertThat(resumed.next().get("recovered").asBoolean()).isTrue();
                    assertThat(resumed.next(10)).extracting(f -> f.at("/data/n").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
                    assertThat(edge.registry().get("herald.edge.resume.log.readers").gauge().value()).as("served from history").isZero();
                    publish(ingest, "s", 10, 1);
                    assertThat(resumed.next().at("/data/n").asInt()).isEqualTo(10);
                    assertThat(resumed.poll(500)).as("nothing twice").isNull();
                }
            }
        }
    }

    @Test
    void kafkasRefusalToMoveAnActiveGroupsOffsetsIsSaidInWords() throws Exception {
        String topic = "log-" + UUID.randomUUID();
        String edgeId = "e-" + UUID.randomUUID();
        try (IngestServer ingest = ingest(topic);
             EdgeServer edge = EdgeServer.start(new EdgeConfig(edgeSettings(topic, edgeId)))) {
            publish(ingest, "x", 0, 1);
            awaitConsumed(edge, 1);
            StoppedEdgeOffsets offsets = new StoppedEdgeOffsets(admin);
            assertThat(offsets.members("herald-edge-" + edgeId)).isEqualTo(1);
            assertThatThrownBy(() -> offsets.moveBack(edgeId, "herald-edge-" + edgeId, topic, List.of(new ReplayRange(0, 0, 1),
                    new ReplayRange(1, 0, 1), new ReplayRange(2, 0, 1))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kafka refuses to move the offsets of edge " + edgeId)
                    .hasMessageContaining("is active")
                    .hasMessageContaining("--edge-url");
        }
    }

    private static String[] append(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
