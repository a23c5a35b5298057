package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.herald.edge.EdgeConfig;
import dev.herald.ingest.IngestConfig;
import org.junit.jupiter.api.Test;

class ConfigurationDocTest {

    @Test
    void docsConfigurationMatchesTheConfigClass() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(doc).as("docs/configuration.md is stale: regenerate its ingest table with ./herald config ingest")
                .contains("## ingest\n\n" + ConfigDocsCommand.markdown(IngestConfig.CONFIG_DEF));
        assertThat(doc).as("docs/configuration.md is stale: regenerate its edge table with ./herald config edge")
                .containsPattern("## edge\n\n[^|]*\n\n" + java.util.regex.Pattern.quote(ConfigDocsCommand.markdown(EdgeConfig.CONFIG_DEF)));
    }
}
