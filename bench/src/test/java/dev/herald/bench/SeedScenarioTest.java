package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CI-sized {@code bench seed}: a real broker, ingest, an edge in its own JVM and 200 WebSocket
 * subscribers over loopback; the run's own {@code --assert} bounds decide its exit code.
 */
class SeedScenarioTest {

    @Test
    void aSmallSeedRunDeliversEveryEventOnceToEverySubscriberWithinItsBounds(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("seed.json");
        int exit = new CommandLine(new BenchMain()).execute("seed", "--subscribers", "200", "--seconds", "5", "--warmup-seconds", "2",
                "--json", json.toString(),
                "--assert", "connected_ratio>=0.99", "--assert", "delivered_ratio>=1.0", "--assert", "duplicates=0",
                "--assert", "latency_ms.p99<=5000", "--assert", "slow_consumer_closes=0");
        assertThat(exit).as("every --assert bound held").isZero();

        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.get("scenario").asText()).isEqualTo("seed");
        assertThat(result.get("subscribers").asInt()).isEqualTo(200);
        assertThat(result.get("published").asLong()).isEqualTo(150); // 30 events/s for 5 s, all acknowledged
        assertThat(result.get("expected_receipts").asLong()).isEqualTo(150L * 200);
        assertThat(result.get("delivered_ratio").asDouble()).isEqualTo(1.0);
        assertThat(result.get("duplicates").asLong()).isZero();
        JsonNode latency = result.get("latency_ms");
        assertThat(latency.get("p50").asDouble()).isPositive();
        assertThat(latency.get("p50").asDouble()).isLessThanOrEqualTo(latency.get("p95").asDouble());
        assertThat(latency.get("p95").asDouble()).isLessThanOrEqualTo(latency.get("p99").asDouble());
        assertThat(latency.get("p99").asDouble()).isLessThanOrEqualTo(latency.get("p999").asDouble());
        assertThat(latency.get("p999").asDouble()).isLessThanOrEqualTo(latency.get("max").asDouble());
        assertThat(result.get("deliveries_per_sec").asDouble()).isPositive();
        assertThat(result.get("overhead_ratio").asDouble()).as("frames carry an envelope around each payload").isGreaterThan(1.0);
        assertThat(result.get("edge_egress_bytes_per_sec").asDouble()).isPositive();
    }
}
