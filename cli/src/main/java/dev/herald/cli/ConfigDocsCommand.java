package dev.herald.cli;

import java.util.concurrent.Callable;

import dev.herald.ingest.IngestConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code herald config ingest}: prints every setting of a service as a Markdown table. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every setting of a service, with default and meaning, as Markdown.")
final class ConfigDocsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service: ingest.")
    String service;

    @Override
    public Integer call() {
        if (!service.equals("ingest")) {
            System.err.println("herald: unknown service '" + service + "'; known: ingest");
            return 2;
        }
        System.out.print(markdown(IngestConfig.CONFIG_DEF));
        return 0;
    }

    /** The settings of {@code def} as a Markdown table, with the environment variable of each. */
    static String markdown(ConfigDef def) {
        StringBuilder out = new StringBuilder("| key | environment | type | default | meaning |\n|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            Object dflt = key.hasDefault() ? key.defaultValue : "(required)";
            out.append("| `").append(key.name).append("` | `").append(ConfigSources.envName(key.name)).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | `").append(dflt).append("` | ")
                    .append(key.documentation.replace("|", "\\|"))
                    .append(key.validator != null ? " Valid: " + key.validator.toString().replace("|", "\\|") + "." : "")
                    .append(" |\n");
        }
        return out.toString();
    }
}
