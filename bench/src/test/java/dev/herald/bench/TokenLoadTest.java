package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load clients of {@code bench auth} against a Herald with tokens on: each sends its token
 * where Herald reads it (the WebSocket upgrade, every POST), and Herald takes it.
 */
class TokenLoadTest {

    private static final int SUBSCRIBERS = 50;

    @TempDir
    Path dir;

    @Test
    void subscribersAndPublishersWithTheirTokensGetEveryEventThroughAHeraldWithTokensOn() throws Exception {
        BenchTokens tokens = BenchTokens.hmac(SUBSCRIBERS, Instant.now());
        try (BenchBroker kafka = BenchBroker.embedded();
             IngestServer ingest = kafka.startIngest("tokens.events", 2, tokens.settings());
             EdgeServer edge = EdgeServer.start(new EdgeConfig(edgeSettings(kafka, tokens)))) {
            try (FanoutRun run = FanoutRun.open(new InetSocketAddress("127.0.0.1", edge.port()), ingest.baseUrl(),
                    BenchTokens.ROOM_PREFIX + "1", SUBSCRIBERS, 128, FanoutPublisher.Durability.DURABLE, tokens)) {
                assertThat(run.openSeconds()).isPositive();
                FanoutResult result = run.windowed(10, Duration.ofSeconds(1));
                assertThat(result.published()).isPositive();
                assertThat(result.complete()).as("every publish taken and every event received once: %s", result).isTrue();
            }
            List<String> paths = List.of("/v1/channels/" + BenchPayloads.channel(0) + "/events");
            SinglePublishLoad.Result withToken = new KeepAliveLoad(ingest.baseUrl(), paths, "application/json",
                    BenchPayloads.eventPayload(), tokens.publisher()).openLoop(50, Duration.ofSeconds(1));
            assertThat(withToken.created()).isEqualTo(withToken.sent()).isEqualTo(50);
            SinglePublishLoad.Result without = new KeepAliveLoad(ingest.baseUrl(), paths, "application/json",
                    BenchPayloads.eventPayload()).openLoop(50, Duration.ofSeconds(1));
            assertThat(without.created()).as("tokens are required: no token, no 201").isZero();
            assertThat(without.latencyNs().getTotalCount()).isZero();
        }
    }

    private Map<String, String> edgeSettings(BenchBroker kafka, BenchTokens tokens) {
        Map<String, String> settings = new HashMap<>(tokens.settings());
        settings.putAll(Map.of(EdgeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), EdgeConfig.TOPIC, "tokens.events",
                EdgeConfig.HTTP_PORT, "0", EdgeConfig.EDGE_ID, "tokens", EdgeConfig.DATA_DIR, dir.resolve("edge").toString(),
                "limits.connections.per.address", "0", "limits.new.connections.rate", "off"));
        return settings;
    }
}
