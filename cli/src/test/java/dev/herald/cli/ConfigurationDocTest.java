package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigurationDocTest {

    @Test
    void docsConfigurationMatchesTheConfigClass() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(doc).as("docs/configuration.md is stale: regenerate it with ./herald config all > docs/configuration.md")
                .isEqualTo(ConfigDocsCommand.document());
    }
}
