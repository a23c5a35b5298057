package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.DevHerald;
import dev.herald.testkit.HeraldProcess;
import dev.herald.testkit.HttpTestClient;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's replay section as an operator runs it, every step its own process: {@code herald dev
 * --auth}, an admin token from {@code herald token --admin}, then {@code herald replay} as a
 * dry run and with {@code --execute --mode redeliver} through the running edge's admin endpoint:
 * a live subscriber gets the channel's last events again, marked replayed; without the admin token
 * the edge refuses and the command exits 2.
 */
class ReplayProcessTest {

    @TempDir
    Path dataDir;

    private record Result(int exit, String out) {
    }

    @Test
    void replayAsItsOwnProcessRedeliversThroughARunningDevEdgeWithAnAdminToken() throws Exception {
        try (DevHerald dev = DevHerald.start(dataDir, "--auth", "--no-audit")) {
            String bootstrap = dev.bootstrapServers();
            String user = herald(Map.of(), "token", "--dev-data-dir", dataDir.toString(), "--subject", "alice", "--publish", "demo",
                    "--subscribe", "demo").out().strip();
            String admin = herald(Map.of(), "token", "--dev-data-dir", dataDir.toString(), "--subject", "ops", "--admin").out().strip();

            try (WsTestClient live = WsTestClient.builder(dev.webSocketUrl()).authorization("Bearer " + user).connect()) {
                live.subscribe("demo", null);
                assertThat(live.next().get("op").asText()).isEqualTo("subscribed");
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = HttpTestClient.post(dev.ingest() + "/v1/channels/demo/events", "{\"n\":" + i + "}",
                            "Authorization", "Bearer " + user, "Content-Type", "application/json");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                }
                List<JsonNode> firstTime = live.next(3);

                String[] replay = {"replay", "--edge", "dev", "--bootstrap-servers", bootstrap, "--channel", "demo", "--shift-by", "-3",
                        "--mode", "redeliver"};
                Result dry = herald(Map.of(), replay);
                assertThat(dry.exit()).as(dry.out()).isZero();
                assertThat(dry.out()).contains("Dry run: nothing replayed").contains("3 records through edge dev");

                List<String> execute = new ArrayList<>(List.of(replay));
                execute.addAll(List.of("--execute", "--edge-url", "http://" + dev.edge()));
                Result refused = herald(Map.of(), execute.toArray(String[]::new));
                assertThat(refused.exit()).isEqualTo(2);
                assertThat(refused.out()).contains("answered 401").contains("herald token --admin");

                Result done = herald(Map.of("HERALD_TOKEN", admin), execute.toArray(String[]::new));
                assertThat(done.exit()).as(done.out()).isZero();
                assertThat(done.out()).containsPattern("replay \\d+ done in [^:]+: 3 records read, 3 sent again to live subscribers");
                List<JsonNode> again = live.next(3);
                assertThat(again).allSatisfy(f -> assertThat(f.get("replayed").asBoolean()).isTrue());
                assertThat(again).extracting(f -> f.get("id").asText())
                        .containsExactlyElementsOf(firstTime.stream().map(f -> f.get("id").asText()).toList());
            }
            assertThat(dev.process().output()).as("the audit line").containsPattern("audit - replay \\d+ on edge dev by ops: redeliver of");
        }
    }

    /** Runs the launcher with {@code args} and {@code env} added to its environment; its exit code and its output (both streams). */
    private static Result herald(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                HeraldProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("HERALD_TOKEN");
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
