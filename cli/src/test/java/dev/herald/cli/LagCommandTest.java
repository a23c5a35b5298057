package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.testkit.ExternalCommand;
import dev.herald.testkit.FreePorts;
import dev.herald.testkit.Json;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herald lag} against a real broker, held against Kafka's own {@code kafka-consumer-groups} tool. */
class LagCommandTest {

    @TempDir
    static Path dir;
    static OperatorLog log;

    @BeforeAll
    static void startBroker() {
        log = new OperatorLog(dir);
    }

    @AfterAll
    static void stopBroker() {
        log.close();
    }

    @Test
    void lagAgreesWithKafkasConsumerGroupToolAndItsTimeIsTheAgeOfTheFirstUnconsumedRecord() throws Exception {
        String topic = log.topic(3);
        long now = Instant.parse("2026-01-21T10:00:00Z").toEpochMilli();
        long first = now - Duration.ofHours(1).toMillis();
        for (int i = 0; i < 10; i++) {
            log.send(topic, 0, first + i * 1_000L, "a", bytes("{\"i\":" + i + "}"));
        }
        for (int i = 0; i < 5; i++) {
            log.send(topic, 1, first + i * 1_000L, "b", bytes("{\"i\":" + i + "}"));
        }
        log.send(topic, 2, first, "c", bytes("{}"));
        String edge = "lag-" + UUID.randomUUID();
        commit("herald-edge-" + edge, Map.of(new TopicPartition(topic, 0), 4L, new TopicPartition(topic, 1), 5L));
        // more published after the commit: the lag grows, its age stays that of offset 4
        log.send(topic, 0, now - 1_000, "a", bytes("{\"late\":true}"));

        Map<Integer, long[]> tool = kafkaToolDescribe("herald-edge-" + edge, topic);
        LauncherRun json = lag(now, "--edge", edge, "--topic", topic, "--json");
        LauncherRun table = lag(now, "--edge", edge, "--topic", topic);

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode sample = Json.parse(json.out().strip());
        assertThat(sample.get("time").asText()).isEqualTo("2026-01-21T10:00:00Z");
        assertThat(sample.get("topic").asText()).isEqualTo(topic);
        JsonNode e = sample.get("edges").get(0);
        assertThat(e.get("edge").asText()).isEqualTo(edge);
        assertThat(e.get("group").asText()).isEqualTo("herald-edge-" + edge);
        assertThat(e.get("state").asText()).isEqualTo("Empty");
        assertThat(e.get("members").asInt()).isZero();
        assertThat(e.get("lag").asLong()).isEqualTo(7);
        assertThat(e.get("lagMs").asLong()).isEqualTo(now - (first + 4_000));

        // Kafka's tool shows the partitions the group committed: herald lag agrees on every number
        assertThat(tool).containsOnlyKeys(0, 1);
        JsonNode partitions = e.get("partitions");
        assertThat(partitions).hasSize(3);
        for (int p : tool.keySet()) {
            JsonNode row = partitions.get(p);
            assertThat(row.get("partition").asInt()).isEqualTo(p);
            assertThat(new long[] {row.get("committed").asLong(), row.get("logEnd").asLong(), row.get("lag").asLong()})
                    .as("partition %d: committed, log end, lag", p).containsExactly(tool.get(p));
        }
        assertThat(tool.get(0)).containsExactly(4, 11, 7);
        assertThat(partitions.get(0).get("lagMs").asLong()).isEqualTo(now - (first + 4_000));
        assertThat(partitions.get(1).get("lagMs").asLong()).isZero();
        // where the group committed nothing, the lag is unknown, not 0
        assertThat(partitions.get(2).get("committed").isNull()).isTrue();
        assertThat(partitions.get(2).get("logEnd").asLong()).isEqualTo(1);
        assertThat(partitions.get(2).get("lag").isNull()).isTrue();

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.lines()).hasSize(4);
        assertThat(columns(table.lines().get(0))).containsExactly("EDGE", "STATE", "MEMBERS", "PARTITION", "COMMITTED", "LOG-END", "LAG",
                "LAG-TIME");
        assertThat(columns(table.lines().get(1))).containsExactly(edge, "Empty", "0", "0", "4", "11", "7", "59m56s");
        assertThat(columns(table.lines().get(2))).containsExactly(edge, "Empty", "0", "1", "5", "5", "0", "0s");
        assertThat(columns(table.lines().get(3))).containsExactly(edge, "Empty", "0", "2", "-", "1", "-", "-");
        // aligned: each column starts at the same place on every line
        assertThat(table.lines()).extracting(LagCommandTest::columnStarts).containsOnly(columnStarts(table.lines().get(0)));
    }

    @Test
    void aRunningEdgeIsStableWithOneMemberAndCatchesUp() throws Exception {
        String topic = log.topic(2);
        String edge = "running-" + UUID.randomUUID();
        EdgeServer server = EdgeServer.start(new EdgeConfig(Map.of("bootstrap.servers", log.bootstrapServers(), "topic", topic,
                "http.port", "0", "edge.id", edge, "data.dir", dir.resolve(edge).toString(), "auth.mode", "none",
                "ephemeral.port", Integer.toString(FreePorts.next()))));
        try {
            for (int i = 0; i < 5; i++) {
                log.send(topic, i % 2, System.currentTimeMillis(), "c" + i, bytes("{}"));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode e = sampleOf(edge, topic);
                assertThat(e.get("state").asText()).isEqualTo("Stable");
                assertThat(e.get("members").asInt()).isEqualTo(1);
                assertThat(e.get("partitions")).extracting(p -> p.get("logEnd").asLong()).containsExactly(3L, 2L);
                assertThat(e.get("lag").asLong()).isZero();
                assertThat(e.get("lagMs").asLong()).isZero();
            });
        } finally {
            server.close();
        }
        // (a stopped edge stays a member until its session times out: edges are static members, which a close does not remove)
    }

    @Test
    void withoutEdgeEveryEdgesGroupIsShownAndNoOtherGroup() throws Exception {
        String topic = log.topic(1);
        log.send(topic, 0, System.currentTimeMillis(), "c", bytes("{}"));
        String a = "every-a-" + UUID.randomUUID();
        String b = "every-b-" + UUID.randomUUID();
        String other = "not-an-edge-" + UUID.randomUUID();
        for (String group : List.of("herald-edge-" + a, "herald-edge-" + b, other)) {
            commit(group, Map.of(new TopicPartition(topic, 0), 0L));
        }

        LauncherRun run = lag(System.currentTimeMillis(), "--topic", topic, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> edges = new ArrayList<>();
        Json.parse(run.out()).get("edges").forEach(e -> edges.add(e.get("group").asText()));
        assertThat(edges).contains("herald-edge-" + a, "herald-edge-" + b).allMatch(g -> g.startsWith("herald-edge-"))
                .doesNotContain(other).isSorted();
    }

    @Test
    void anEdgeWithoutAGroupIsAnErrorWithExitCode2() {
        LauncherRun run = lag(System.currentTimeMillis(), "--edge", "nowhere");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no edge 'nowhere'").contains("no consumer group herald-edge-nowhere");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnreachableClusterIsAnErrorWithExitCode2() {
        String nobody = "127.0.0.1:" + FreePorts.next();

        LauncherRun run = LauncherRun.of("lag", "--bootstrap-servers", nobody, "--timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("herald: Kafka at " + nobody + " did not answer within 2 s").doesNotContain("Exception");
    }

    @Test
    void watchPrintsASampleEachIntervalUntilStoppedAndEachSampleSeesTheLogAsItIsThen() throws Exception {
        String topic = log.topic(1);
        String edge = "watch-" + UUID.randomUUID();
        log.send(topic, 0, System.currentTimeMillis(), "c", bytes("{}"));
        commit("herald-edge-" + edge, Map.of(new TopicPartition(topic, 0), 1L));
        StringWriter out = new StringWriter();
        CommandLine line = HeraldCommand.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(new StringWriter(), true));
        Thread watch = new Thread(() -> line.execute("lag", "--bootstrap-servers", log.bootstrapServers(), "--topic", topic, "--edge", edge,
                "--watch", "--interval", "1s", "--json"), "lag-watch");
        watch.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> samples(out).size() >= 1);
            log.send(topic, 0, System.currentTimeMillis(), "c", bytes("{}"));
            await().atMost(Duration.ofSeconds(60)).until(() -> samples(out).stream()
                    .anyMatch(s -> s.get("edges").get(0).get("lag").asLong() == 1));
        } finally {
            watch.interrupt();
            watch.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(watch.isAlive()).isFalse();
        List<JsonNode> samples = samples(out);
        assertThat(samples.size()).isGreaterThanOrEqualTo(2);
        assertThat(samples.get(0).get("edges").get(0).get("lag").asLong()).isZero();
    }

    private static List<JsonNode> samples(StringWriter out) {
        List<JsonNode> samples = new ArrayList<>();
        String text = out.toString();
        // only whole lines: the last may still be being written
        for (String l : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!l.isBlank()) {
                samples.add(Json.parse(l));
            }
        }
        return samples;
    }

    private static JsonNode sampleOf(String edge, String topic) {
        LauncherRun run = lag(System.currentTimeMillis(), "--edge", edge, "--topic", topic, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Json.parse(run.out()).get("edges").get(0);
    }

    private static LauncherRun lag(long nowMs, String... args) {
        List<String> all = new ArrayList<>(List.of("lag", "--bootstrap-servers", log.bootstrapServers()));
        all.addAll(List.of(args));
        return LauncherRun.of(line -> ((LagCommand) line.getSubcommands().get("lag").getCommand()).clock =
                Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC), all.toArray(String[]::new));
    }

    /** Commits {@code offsets} for {@code group} as any Kafka consumer can: no Herald code involved. */
    private static void commit(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, o) -> commit.put(tp, new OffsetAndMetadata(o)));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", log.bootstrapServers(), "group.id", group,
                "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.commitSync(commit);
        }
    }

    /**
     * Kafka's own {@code kafka-consumer-groups --describe --group} (ConsumerGroupCommand, from
     * kafka-tools) run as a process: per partition of {@code topic}, CURRENT-OFFSET,
     * LOG-END-OFFSET and LAG as it prints them.
     */
    private static Map<Integer, long[]> kafkaToolDescribe(String group, String topic) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "--bootstrap-server", log.bootstrapServers(), "--describe", "--group", group);
        ExternalCommand.Result result = ExternalCommand.run(command, Map.of(), dir, Duration.ofSeconds(120));
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> header = null;
        Map<Integer, long[]> rows = new HashMap<>();
        for (String l : result.output().split("\n")) {
            List<String> cells = columns(l);
            if (cells.contains("CURRENT-OFFSET")) {
                header = cells;
            } else if (header != null && cells.size() == header.size() && cells.get(header.indexOf("TOPIC")).equals(topic)) {
                rows.put(Integer.parseInt(cells.get(header.indexOf("PARTITION"))), new long[] {
                        Long.parseLong(cells.get(header.indexOf("CURRENT-OFFSET"))),
                        Long.parseLong(cells.get(header.indexOf("LOG-END-OFFSET"))),
                        Long.parseLong(cells.get(header.indexOf("LAG")))});
            }
        }
        assertThat(header).as("the tool's table in:\n%s", result.output()).isNotNull();
        return rows;
    }

    /** Where each cell of a line starts. */
    private static List<Integer> columnStarts(String line) {
        List<Integer> starts = new ArrayList<>();
        java.util.regex.Matcher cell = java.util.regex.Pattern.compile("\\S+").matcher(line);
        while (cell.find()) {
            starts.add(cell.start());
        }
        return starts;
    }

    private static List<String> columns(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.trim().split("\\s+"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
