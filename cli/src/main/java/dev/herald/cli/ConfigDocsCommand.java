package dev.herald.cli;

import java.util.concurrent.Callable;

import dev.herald.edge.EdgeConfig;
import dev.herald.ingest.IngestConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code herald config ingest|edge}: prints every setting of a service as a Markdown table. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every setting of a service, with default and meaning, as Markdown.")
final class ConfigDocsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service: ingest or edge.")
    String service;

    @Override
    public Integer call() {
        switch (service) {
            case "ingest" -> System.out.print(markdown(IngestConfig.CONFIG_DEF));
            case "edge" -> System.out.print(markdown(EdgeConfig.CONFIG_DEF));
            default -> {
                System.err.println("herald: unknown service '" + service + "'; known: ingest, edge");
                return 2;
            }
        }
        return 0;
    }

    /** The settings of {@code def} as a Markdown table, with the environment variable of each. */
    static String markdown(ConfigDef def) {
        StringBuilder out = new StringBuilder("| key | environment | type | default | meaning |\n|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            String dflt = !key.hasDefault() ? "(required)" : "".equals(key.defaultValue) ? "(empty)" : "`" + key.defaultValue + "`";
            out.append("| `").append(key.name).append("` | `").append(ConfigSources.envName(key.name)).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ").append(dflt).append(" | ")
                    .append(key.documentation.replace("|", "\\|"))
                    .append(key.validator != null ? " Valid: " + key.validator.toString().replace("|", "\\|") + "." : "")
                    .append(" |\n");
        }
        return out.toString();
    }
}
