package dev.herald.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald ingest}: the HTTP publish API alone, against any Kafka cluster. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run the HTTP publish API against a Kafka cluster. Settings: herald config ingest.")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> values = ConfigSources.merge(IngestConfig.CONFIG_DEF.names(), settings.configFile,
                System.getenv(), settings.overrides);
        IngestServer ingest = IngestServer.start(new IngestConfig(values));
        System.out.println("herald ingest listening on " + ingest.baseUrl() + " (log epoch " + ingest.epoch().topicId() + ")");
        Lifecycle.runUntilStopped(ingest);
        return 0;
    }
}
