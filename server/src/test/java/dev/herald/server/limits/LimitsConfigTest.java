package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LimitsConfigTest {

    private static AbstractConfig ingest(Map<String, ?> values) {
        return new AbstractConfig(LimitsConfig.defineIngest(new ConfigDef()), values, false);
    }

    private static AbstractConfig edge(Map<String, ?> values) {
        return new AbstractConfig(LimitsConfig.defineEdge(new ConfigDef()), values, false);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertThat(LimitsConfig.ingest(ingest(Map.of()))).isEqualTo(IngestLimits.defaults())
                .isEqualTo(new IngestLimits(new Rate(1_000, 2_000), new Rate(8L << 20, 16L << 20), 100_000));
        assertThat(LimitsConfig.edge(edge(Map.of()))).isEqualTo(EdgeLimits.defaults())
                .isEqualTo(new EdgeLimits(new Rate(100, 1_000), 10, Duration.ofSeconds(10), 1_000, new Rate(50, 200), 100_000));
    }

    @Test
    void eachServiceDefinesItsOwnKeys() {
        assertThat(LimitsConfig.defineIngest(new ConfigDef()).names()).containsExactlyInAnyOrderElementsOf(LimitsConfig.INGEST_KEYS);
        assertThat(LimitsConfig.defineEdge(new ConfigDef()).names()).containsExactlyInAnyOrderElementsOf(LimitsConfig.EDGE_KEYS);
    }

    @Test
    void settingsAreRead() {
        EdgeLimits limits = LimitsConfig.edge(edge(Map.of(LimitsConfig.WS_FRAME_RATE, "off", LimitsConfig.WS_CLOSE_AFTER_REFUSALS, "1",
                LimitsConfig.WS_REFUSAL_WINDOW_MS, "500", LimitsConfig.CONNECTIONS_PER_ADDRESS, "0",
                LimitsConfig.NEW_CONNECTIONS_RATE, "2/s burst 4", LimitsConfig.MAX_KEYS, "10")));

        assertThat(limits).isEqualTo(new EdgeLimits(Rate.UNLIMITED, 1, Duration.ofMillis(500), 0, new Rate(2, 4), 10));
        assertThat(LimitsConfig.ingest(ingest(Map.of(LimitsConfig.PUBLISH_BYTES_RATE, "1Mi/s"))).publishBytes())
                .isEqualTo(Rate.perSecond(1L << 20));
    }

    @Test
    void aBadRateStopsStartUpNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> ingest(Map.of(LimitsConfig.PUBLISH_RATE, "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LimitsConfig.PUBLISH_RATE)
                .hasMessageContaining("lots")
                .hasMessageContaining("<n>/s");
        assertThatThrownBy(() -> edge(Map.of(LimitsConfig.NEW_CONNECTIONS_RATE, "0/s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LimitsConfig.NEW_CONNECTIONS_RATE)
                .hasMessageContaining("write off");
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> edge(Map.of(LimitsConfig.WS_CLOSE_AFTER_REFUSALS, "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(LimitsConfig.WS_CLOSE_AFTER_REFUSALS);
        assertThatThrownBy(() -> edge(Map.of(LimitsConfig.CONNECTIONS_PER_ADDRESS, "-1"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ingest(Map.of(LimitsConfig.MAX_KEYS, "0"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void theLimitsMakeTheirLimiters() {
        Ticker ticker = () -> 0; // time stands still
        LimitRefusals refusals = new LimitRefusals();
        EdgeLimits edge = new EdgeLimits(new Rate(1, 1), 1, Duration.ofSeconds(1), 1, Rate.perSecond(5), 10);

        FrameLimiter frames = edge.framePolicy(ticker, refusals).newLimiter();
        ConnectionLimiter<String> connections = edge.connectionLimiter(ticker, refusals);
        PublishLimiter publishes = new IngestLimits(new Rate(1, 1), Rate.UNLIMITED, 10).publishLimiter(ticker, refusals);

        assertThat(frames.tryFrame()).isEqualTo(FrameDecision.ALLOWED);
        assertThat(frames.tryFrame()).isEqualTo(FrameDecision.CLOSE);
        assertThat(connections.tryOpen("a").admitted()).isTrue();
        assertThat(connections.tryOpen("a").admitted()).isFalse();
        assertThat(publishes.tryPublish("sub:x", 1, 1_000_000).allowed()).isTrue();
        assertThat(publishes.tryPublish("sub:x", 1, 1).allowed()).isFalse();
    }
}
