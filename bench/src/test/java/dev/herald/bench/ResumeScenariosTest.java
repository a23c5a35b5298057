package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * CI-sized {@code bench churn} and {@code bench restart}: a real broker, ingest, edges in their own
 * JVMs and 200 WebSocket subscribers over loopback that reconnect and resume from their last
 * positions; every acknowledged event must reach every subscriber, and no socket may bring one
 * twice.
 */
class ResumeScenariosTest {

    @Test
    void subscribersDroppingThroughoutMissNothingAndNoSocketRepeats(@TempDir Path dir) throws Exception {
        JsonNode result = run(dir, "churn", "--edges", "2", "--churn-per-second", "40", "--offline-ms", "300");

        assertThat(result.get("disturbance").asText()).isEqualTo("churn");
        assertThat(result.get("reconnects").asLong()).as("about 40 drops/s for 6 s").isGreaterThan(100);
        assertThat(result.get("not_recovered").asLong()).isZero();
    }

    @Test
    void subscribersOfAKilledAndRestartedEdgeMissNothingAndNoSocketRepeats(@TempDir Path dir) throws Exception {
        JsonNode result = run(dir, "restart", "--edges", "1", "--down-ms", "500");

        assertThat(result.get("disturbance").asText()).isEqualTo("restart");
        assertThat(result.get("reconnects").asLong()).as("every subscriber came back").isGreaterThanOrEqualTo(200);
        assertThat(result.get("not_recovered").asLong()).isZero();
    }

    private static JsonNode run(Path dir, String scenario, String... options) throws Exception {
        Path json = dir.resolve(scenario + ".json");
        String[] common = {scenario, "--subscribers", "200", "--seconds", "6", "--warmup-seconds", "1", "--rate", "100",
            "--json", json.toString(), "--assert", "connected_ratio>=1.0", "--assert", "delivered_ratio>=1.0",
            "--assert", "duplicates=0"};
        String[] args = new String[common.length + options.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(options, 0, args, common.length, options.length);
        int exit = new CommandLine(new BenchMain()).execute(args);
        assertThat(exit).as("every --assert bound held").isZero();

        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.get("published").asLong()).as("100 events/s for 6 s, all acknowledged").isEqualTo(600);
        assertThat(result.get("expected_receipts").asLong()).as("each subscriber follows 2 of the 10 channels")
                .isEqualTo(600L * 200 * 2 / 10);
        assertThat(result.get("delivered_ratio").asDouble()).isEqualTo(1.0);
        assertThat(result.get("duplicates").asLong()).isZero();
        return result;
    }
}
