package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import dev.herald.ingest.IngestConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @TempDir
    Path dir;

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
        Path file = dir.resolve("ingest.properties");
        Files.writeString(file, "http.port=1111\ntopic=from-file\nbootstrap.servers=file:9092\n");
        Map<String, String> values = ConfigSources.merge(Set.of("http.port", "topic", "bootstrap.servers"), file,
                Map.of("HERALD_TOPIC", "from-env", "HERALD_HTTP_PORT", "2222"), Map.of("http.port", "3333"));

        assertThat(values).containsEntry("http.port", "3333").containsEntry("topic", "from-env")
                .containsEntry("bootstrap.servers", "file:9092");
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        assertThat(ConfigSources.envName("publish.max.body.bytes")).isEqualTo("HERALD_PUBLISH_MAX_BODY_BYTES");
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThatThrownBy(() -> ConfigSources.merge(Set.of(), dir.resolve("nope.properties"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.properties");
    }

    @Test
    void aBadSettingOnTheCommandLineExitsWithOneLineNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = HeraldCommand.commandLine();
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));

        int code = cl.execute("ingest", "--set", "http.port=seventy");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("http.port").contains("seventy");
    }

    @Test
    void theSettingsTableListsEveryIngestKey() {
        String table = ConfigDocsCommand.markdown(IngestConfig.CONFIG_DEF);
        IngestConfig.CONFIG_DEF.names().forEach(key -> assertThat(table).contains("`" + key + "`"));
    }
}
