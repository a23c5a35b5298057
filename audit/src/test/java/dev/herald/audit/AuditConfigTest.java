package dev.herald.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AuditConfigTest {

    @Test
    void theDefaultsAuditTheDevPortsOnceASecondAndResume() {
        AuditConfig config = new AuditConfig(Map.of());

        assertThat(config.ingestUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(config.edges()).containsExactly(Map.entry("127.0.0.1:8081", URI.create("ws://127.0.0.1:8081/v1/ws")));
        assertThat(config.ratePerSecond()).isEqualTo(1.0);
        assertThat(config.lossDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.resume()).isTrue();
        assertThat(config.channel()).startsWith(AuditConfig.CHANNEL_PREFIX).matches("[a-z0-9_.:@-]+");
        assertThat(config.maxTracked()).isEqualTo(1_000);
    }

    @Test
    void anEdgeIsGivenByItsWebSocketUrlOrItsBaseUrlAndNamedHostColonPort() {
        AuditConfig config = new AuditConfig(Map.of(AuditConfig.INGEST_URL, "https://ingest.example:8443/",
                AuditConfig.EDGE_URLS, "http://10.0.0.1:8081, https://edge-2.example/, ws://10.0.0.3:9000/v1/ws"));

        assertThat(config.ingestUrl()).isEqualTo(URI.create("https://ingest.example:8443"));
        assertThat(config.edges()).containsExactly(
                Map.entry("10.0.0.1:8081", URI.create("ws://10.0.0.1:8081/v1/ws")),
                Map.entry("edge-2.example:443", URI.create("wss://edge-2.example:443/v1/ws")),
                Map.entry("10.0.0.3:9000", URI.create("ws://10.0.0.3:9000/v1/ws")));
    }

    @Test
    void aBadValueOrAnUnknownKeyIsRefusedByName() {
        assertThatThrownBy(() -> new AuditConfig(Map.of(AuditConfig.EDGE_URLS, "ftp://127.0.0.1:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuditConfig.EDGE_URLS).hasMessageContaining("ftp://");
        assertThatThrownBy(() -> new AuditConfig(Map.of(AuditConfig.EDGE_URLS, "ws://a:1,http://a:1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("a:1 is listed twice");
        assertThatThrownBy(() -> new AuditConfig(Map.of(AuditConfig.INGEST_URL, "127.0.0.1:8080")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuditConfig.INGEST_URL);
        assertThatThrownBy(() -> new AuditConfig(Map.of(AuditConfig.RATE_PER_S, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuditConfig.RATE_PER_S);
        assertThatThrownBy(() -> new AuditConfig(Map.of(AuditConfig.CHANNEL, "no spaces")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AuditConfig.CHANNEL);
        assertThatThrownBy(() -> new AuditConfig(Map.of("audit.rate", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("[audit.rate]");
    }
}
