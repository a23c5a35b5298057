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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.FreePorts;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code herald tail} against a real broker, the events published through a real ingest over
 * HTTP (and, for records no Herald wrote, by a plain Kafka producer).
 */
class TailCommandTest {

    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    static OperatorLog log;
    static IngestServer ingest;
    static String topic;

    @BeforeAll
    static void start() {
        log = new OperatorLog(dir);
        topic = "tail-" + UUID.randomUUID();
        ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", log.bootstrapServers(), "topic", topic,
                "topic.partitions", Integer.toString(PARTITIONS), "http.port", "0", "auth.mode", "none",
                "ephemeral.port", Integer.toString(FreePorts.next()), "limits.publish.rate", "off", "limits.publish.bytes.rate", "off")));
    }

    @AfterAll
    static void stop() {
        ingest.close();
        log.close();
    }

    @Test
    void printsExactlyTheChannelsEventsInOrderWithTheirIdsPositionsAndDataAndJoinsNoGroup() throws Exception {
        String channel = "orders-" + UUID.randomUUID();
        String neighbour = sharingPartitionWith(channel);
        String elsewhere = notSharingPartitionWith(channel);
        List<String> groupsBefore = log.groups();
        List<JsonNode> published = new ArrayList<>();
        published.add(publish(channel, "{\"n\":1}", "application/json"));
        publish(neighbour, "{\"neighbour\":1}", "application/json");
        publish(elsewhere, "{\"elsewhere\":1}", "application/json");
        published.add(publish(channel, "{\n  \"n\" : 2,\n  \"s\" : \"a  b\\n\"\n}", "application/json"));
        publish(neighbour, "{\"neighbour\":2}", "application/json");
        published.add(publish(channel, "hello", "text/plain"));
        // a record no Herald wrote: no headers, bytes that are no text
        var foreign = log.send(topic, null, System.currentTimeMillis(), channel, new byte[] {(byte) 0xff, 0});
        published.add(publish(channel, "[1.10,2e3]", "application/json"));
        int partition = FanoutConsumer.partitionOf(channel, PARTITIONS);
        assertThat(foreign.partition()).isEqualTo(partition);

        LauncherRun json = tail(channel, "--from-beginning", "--json");
        LauncherRun lines = tail(channel, "--from-beginning");

        assertThat(json.exitCode()).as(json.err()).isZero();
        List<JsonNode> events = json.lines().stream().map(Json::parse).toList();
        assertThat(events).extracting(e -> e.get("id").asText()).containsExactly(published.get(0).get("id").asText(),
                published.get(1).get("id").asText(), published.get(2).get("id").asText(), "kafka-" + partition + "-" + foreign.offset(),
                published.get(3).get("id").asText());
        assertThat(events).allSatisfy(e -> assertThat(e.get("channel").asText()).isEqualTo(channel));
        // each position is the one ingest answered, and names the record's own partition and offset in this log
        Epoch epoch = log.epoch(topic);
        for (JsonNode e : events) {
            assertThat(PositionCodec.decode(e.get("position").asText()))
                    .isEqualTo(new Position(epoch, e.get("partition").asInt(), e.get("offset").asLong()));
            assertThat(e.get("partition").asInt()).isEqualTo(partition);
        }
        assertThat(List.of(events.get(0), events.get(1), events.get(2), events.get(4))).extracting(e -> e.get("position").asText())
                .containsExactlyElementsOf(published.stream().map(p -> p.get("position").asText()).toList());
        assertThat(events.get(3).get("offset").asLong()).isEqualTo(foreign.offset());
        assertThat(events.get(0).get("data").toString()).isEqualTo("{\"n\":1}");
        assertThat(events.get(1).get("data").toString()).isEqualTo("{\"n\":2,\"s\":\"a  b\\n\"}");
        assertThat(events.get(2).get("encoding").asText()).isEqualTo("base64");
        assertThat(events.get(2).get("data").asText()).isEqualTo("aGVsbG8=");
        assertThat(events.get(3).get("encoding").asText()).isEqualTo("base64");
        assertThat(events.get(3).get("data").asText()).isEqualTo("/wA=");
        assertThat(json.lines().get(4)).endsWith("\"data\":[1.10,2e3]}"); // numbers exactly as published
        assertThat(events.get(3).get("ts").asLong()).isEqualTo(Instant.parse(events.get(3).get("time").asText()).toEpochMilli());

        assertThat(lines.exitCode()).as(lines.err()).isZero();
        assertThat(lines.lines()).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode e = events.get(i);
            String[] cells = lines.lines().get(i).split(" {2}", 5);
            assertThat(cells).containsExactly(e.get("time").asText(), partition + "/" + e.get("offset").asLong(), e.get("id").asText(),
                    e.get("position").asText(), e.has("encoding") ? "base64:" + e.get("data").asText() : rawData(json.lines().get(i)));
        }
        assertThat(lines.lines().get(1)).endsWith("{\"n\":2,\"s\":\"a  b\\n\"}");
        assertThat(log.groups()).as("groups after tail").isEqualTo(groupsBefore);
    }

    @Test
    void withoutAStartItPrintsTheLastTenAndLastNPrintsTheLastN() throws Exception {
        String channel = "many-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(publish(channel, "{\"i\":" + i + "}", "application/json").get("id").asText());
        }
        // a busy neighbour after them: reading back for the last ten takes more than the first window
        String neighbour = sharingPartitionWith(channel);
        log.sendMany(topic, neighbour, 700);

        assertThat(idsOf(tail(channel, "--json"))).containsExactlyElementsOf(ids.subList(2, 12));
        assertThat(idsOf(tail(channel, "--json", "--last", "3"))).containsExactlyElementsOf(ids.subList(9, 12));
        assertThat(idsOf(tail(channel, "--json", "--last", "50"))).containsExactlyElementsOf(ids);
        assertThat(idsOf(tail(channel, "--json", "--last", "0"))).isEmpty();
    }

    @Test
    void sinceAPositionPrintsTheEventsAfterIt() throws Exception {
        String channel = "since-" + UUID.randomUUID();
        List<JsonNode> published = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            published.add(publish(channel, "{\"i\":" + i + "}", "application/json"));
            publish(sharingPartitionWith(channel), "{}", "application/json");
        }

        assertThat(idsOf(tail(channel, "--json", "--since", published.get(1).get("position").asText())))
                .containsExactly(published.get(2).get("id").asText(), published.get(3).get("id").asText());
        LauncherRun atTheEnd = tail(channel, "--since", published.get(3).get("position").asText());
        assertThat(atTheEnd.exitCode()).as(atTheEnd.err()).isZero();
        assertThat(atTheEnd.out()).isEmpty();
    }

    @Test
    void sinceATimeOrADurationPrintsTheEventsStampedThenOrLater() throws Exception {
        String timed = log.topic(1);
        Instant now = Instant.parse("2026-01-21T10:00:00Z");
        List<Long> offsets = new ArrayList<>();
        for (Duration ago : List.of(Duration.ofHours(3), Duration.ofHours(2), Duration.ofHours(1), Duration.ofMinutes(1))) {
            offsets.add(log.send(timed, 0, now.minus(ago).toEpochMilli(), "timed", "{}".getBytes(StandardCharsets.UTF_8)).offset());
        }
        // stamped earlier than the records before it: a start found by time does not let it through
        offsets.add(log.send(timed, 0, now.minus(Duration.ofHours(5)).toEpochMilli(), "timed", "{}".getBytes(StandardCharsets.UTF_8))
                .offset());

        assertThat(offsetsOf(tailAt(now, timed, "--since", "2026-01-21T08:30:00Z"))).containsExactly(offsets.get(2), offsets.get(3));
        assertThat(offsetsOf(tailAt(now, timed, "--since", "2026-01-21T08:30:00+01:00"))).containsExactly(offsets.get(1),
                offsets.get(2), offsets.get(3));
        assertThat(offsetsOf(tailAt(now, timed, "--since", "30m"))).containsExactly(offsets.get(3));
        assertThat(offsetsOf(tailAt(now, timed, "--since", "PT150M"))).containsExactly(offsets.get(1), offsets.get(2), offsets.get(3));
        assertThat(offsetsOf(tailAt(now, timed, "--since", "2026-01-21T10:00:00Z"))).isEmpty();
        // records of no Herald producer: their time is the record's timestamp
        assertThat(tailAt(now, timed, "--since", "30m").lines().get(0)).startsWith("2026-01-21T09:59:00Z  0/" + offsets.get(3) + "  kafka-0-");
    }

    @Test
    void aPositionOfAnotherChannelOrLogABadSinceAndABadChannelAreRefusedWithExitCode2() throws Exception {
        String channel = "refuse-" + UUID.randomUUID();
        publish(channel, "{}", "application/json");
        String otherPartition = publish(notSharingPartitionWith(channel), "{}", "application/json").get("position").asText();
        String otherLog = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), PARTITIONS),
                FanoutConsumer.partitionOf(channel, PARTITIONS), 0));

        assertRefused(tail(channel, "--since", otherPartition), "is in partition", "it is a position of another channel");
        assertRefused(tail(channel, "--since", otherLog), "the position is of another log than " + topic);
        assertRefused(tail(channel, "--since", "yesterday"), "--since 'yesterday' is neither a position, an RFC 3339 time");
        assertRefused(tail(channel, "--since", otherLog.substring(0, 40) + "AAAAAAA"), "checksum");
        assertRefused(tail(channel, "--since", "2026-01-21T10:00:00"), "write it with its offset");
        assertRefused(tail("/bad", "--last", "1"), "'/bad' is no channel name");
        assertRefused(LauncherRun.of("tail", channel, "--bootstrap-servers", log.bootstrapServers(), "--topic", "no-such-topic"),
                "there is no topic no-such-topic");
    }

    @Test
    void followPrintsNewEventsUntilStoppedAndJoinsNoGroup() throws Exception {
        String channel = "live-" + UUID.randomUUID();
        String before = publish(channel, "{\"before\":true}", "application/json").get("id").asText();
        List<String> groupsBefore = log.groups();
        StringWriter out = new StringWriter();
        CommandLine line = HeraldCommand.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(new StringWriter(), true));
        Thread follow = new Thread(() -> line.execute("tail", channel, "--follow", "--json", "--bootstrap-servers", log.bootstrapServers(),
                "--topic", topic), "tail-follow");
        follow.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains(before));
            String after = publish(channel, "{\"after\":true}", "application/json").get("id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains(after));
            assertThat(follow.isAlive()).isTrue();
            assertThat(log.groups()).as("groups while tail follows").isEqualTo(groupsBefore);
        } finally {
            follow.interrupt();
            follow.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(follow.isAlive()).isFalse();
        assertThat(out.toString().strip().split("\n")).hasSize(2);
    }

    private static void assertRefused(LauncherRun run, String... said) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(said).doesNotContain("Exception");
        assertThat(run.out()).isEmpty();
    }

    private static JsonNode publish(String channel, String body, String contentType) {
        var r = HttpTestClient.post(ingest.baseUrl() + "/v1/channels/" + channel + "/events", body, "Content-Type", contentType);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return HttpTestClient.json(r);
    }

    private static LauncherRun tail(String channel, String... args) {
        List<String> all = new ArrayList<>(List.of("tail", channel, "--bootstrap-servers", log.bootstrapServers(), "--topic", topic));
        all.addAll(List.of(args));
        return LauncherRun.of(all.toArray(String[]::new));
    }

    private static LauncherRun tailAt(Instant now, String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("tail", "timed", "--bootstrap-servers", log.bootstrapServers(), "--topic", topic));
        all.addAll(List.of(args));
        LauncherRun run = LauncherRun.of(line -> ((TailCommand) line.getSubcommands().get("tail").getCommand()).clock =
                Clock.fixed(now, ZoneOffset.UTC), all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    /** The data of a --json line as written: its last field. */
    private static String rawData(String jsonLine) {
        return jsonLine.substring(jsonLine.indexOf("\"data\":") + "\"data\":".length(), jsonLine.length() - 1);
    }

    private static List<String> idsOf(LauncherRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.lines().stream().map(l -> Json.parse(l).get("id").asText()).toList();
    }

    private static List<Long> offsetsOf(LauncherRun run) {
        return run.lines().stream().map(l -> Long.parseLong(l.split(" {2}")[1].split("/")[1])).toList();
    }

    private static String sharingPartitionWith(String channel) {
        int p = FanoutConsumer.partitionOf(channel, PARTITIONS);
        for (int i = 0; ; i++) {
            String other = "neighbour-" + i + "-" + channel;
            if (FanoutConsumer.partitionOf(other, PARTITIONS) == p) {
                return other;
            }
        }
    }

    private static String notSharingPartitionWith(String channel) {
        int p = FanoutConsumer.partitionOf(channel, PARTITIONS);
        for (int i = 0; ; i++) {
            String other = "elsewhere-" + i + "-" + channel;
            if (FanoutConsumer.partitionOf(other, PARTITIONS) != p) {
                return other;
            }
        }
    }
}
