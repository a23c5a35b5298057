package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void everyKeyHasADefaultAndADoc() {
        IngestConfig config = IngestConfig.defaults();
        assertThat(config.getString(IngestConfig.TOPIC)).isEqualTo("herald.events");
        assertThat(config.getInt(IngestConfig.HTTP_PORT)).isEqualTo(8080);
        assertThat(config.getLong(IngestConfig.PUBLISH_TIMEOUT_MS)).isEqualTo(5_000L);
        IngestConfig.CONFIG_DEF.configKeys().values().forEach(key -> {
            assertThat(key.hasDefault()).as(key.name).isTrue();
            assertThat(key.documentation).as(key.name).isNotBlank();
        });
    }

    @Test
    void aBadValueStopsStartUpNamingKeyAndValue() {
        assertThatThrownBy(() -> new IngestConfig(Map.of("http.port", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> new IngestConfig(Map.of("publish.timeout.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("publish.timeout.ms").hasMessageContaining("soon");
        assertThatThrownBy(() -> new IngestConfig(Map.of("producer.compression.type", "brotli")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("producer.compression.type").hasMessageContaining("brotli");
    }

    @Test
    void anUnknownKeyIsRefusedSoATypoDoesNotFallBackToADefault() {
        assertThatThrownBy(() -> new IngestConfig(Map.of("http.prot", "9000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
    }

    @Test
    void kafkaPrefixedKeysGoToTheKafkaClientsWithoutThePrefix() {
        IngestConfig config = new IngestConfig(Map.of("kafka.security.protocol", "SSL"));
        assertThat(config.kafkaOverrides()).containsEntry("security.protocol", "SSL");
    }
}
