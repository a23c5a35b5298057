package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.ExternalCommand;
import dev.herald.testkit.HeraldProcess;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does next to {@code herald dev}: copy the {@code lag} and {@code tail} lines it
 * printed and run them, as processes of the launcher jar, against its broker.
 */
class DevOperatorCommandsTest {

    @TempDir
    Path dataDir;

    @Test
    void theLagAndTailLinesDevPrintsRunAsPrintedAndShowItsEdgeAndTheChannelsEvents() throws Exception {
        try (DevHerald dev = DevHerald.start(dataDir, "--no-audit")) {
            String banner = dev.process().output();
            String lag = printed(banner, "./herald lag ");
            String tail = printed(banner, "./herald tail demo ");
            assertThat(printed(banner, "./herald replay ")).contains("--edge dev", "--edge-url http://" + dev.edge(), "--by-duration PT10M");

            List<JsonNode> published = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var r = HttpTestClient.post(dev.ingest() + "/v1/channels/demo/events", "{\"i\":" + i + "}", "Content-Type", "application/json");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                published.add(HttpTestClient.json(r));
            }
            HttpTestClient.post(dev.ingest() + "/v1/channels/not-demo/events", "{}", "Content-Type", "application/json");

            ExternalCommand.Result events = run(tail + " --json");
            assertThat(events.exitCode()).as(events.output()).isZero();
            List<JsonNode> lines = Arrays.stream(events.output().strip().split("\n")).map(Json::parse).toList();
            assertThat(lines).extracting(e -> e.get("id").asText())
                    .containsExactlyElementsOf(published.stream().map(p -> p.get("id").asText()).toList());
            assertThat(lines).extracting(e -> e.get("position").asText())
                    .containsExactlyElementsOf(published.stream().map(p -> p.get("position").asText()).toList());
            ExternalCommand.Result human = run(tail);
            assertThat(human.exitCode()).as(human.output()).isZero();
            String[] humanLines = human.output().strip().split("\n");
            assertThat(humanLines).hasSize(3);
            assertThat(humanLines[2]).contains(published.get(2).get("id").asText()).endsWith("  {\"i\":2}");

            // the edge is up (a member of its group) and, once it has handed the events on, not behind
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ExternalCommand.Result sample = run(lag + " --json");
                assertThat(sample.exitCode()).as(sample.output()).isZero();
                JsonNode edge = Json.parse(sample.output().strip()).get("edges").get(0);
                assertThat(edge.get("edge").asText()).isEqualTo("dev");
                assertThat(edge.get("state").asText()).isEqualTo("Stable");
                assertThat(edge.get("members").asInt()).isEqualTo(1);
                assertThat(edge.get("partitions")).hasSize(6);
                assertThat(edge.get("lag").asLong()).isZero();
            });
            ExternalCommand.Result table = run(lag);
            assertThat(table.exitCode()).as(table.output()).isZero();
            String[] rows = table.output().strip().split("\n");
            assertThat(rows).hasSize(7);
            assertThat(rows[0]).startsWith("EDGE");
            assertThat(rows[1]).startsWith("dev ");
        }
    }

    /** The command line {@code herald dev} printed that starts with {@code prefix}. */
    private static String printed(String banner, String prefix) {
        return banner.lines().map(String::strip).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in:\n" + banner));
    }

    /** Runs a printed {@code ./herald ...} line (it needs no quoting) with the launcher jar, to its end. */
    private ExternalCommand.Result run(String line) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                HeraldProcess.jar().toString()));
        List<String> args = new ArrayList<>(List.of(line.split(" ")));
        assertThat(args.remove(0)).isEqualTo("./herald");
        command.addAll(args);
        return ExternalCommand.run(command, Map.of(), dataDir, Duration.ofSeconds(120));
    }
}
