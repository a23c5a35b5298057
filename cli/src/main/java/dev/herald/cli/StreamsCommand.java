package dev.herald.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.streams.HeraldStreamsConfig;
import dev.herald.streams.StreamsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code herald streams}: the Kafka Streams service against any Kafka cluster: every channel's
 * latest event in {@code herald.latest}, per-channel usage per minute in {@code herald.stats}.
 * Several instances with one {@code application.id} share the log's partitions; each needs its own
 * {@code state.dir} and {@code http.port} on one machine.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "Run the streams service: the latest event of every channel (herald.latest) and usage per channel and minute "
                + "(herald.stats), from the log, with Kafka Streams. Settings: herald config streams.")
final class StreamsCommand implements Callable<Integer> {

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> values = ConfigSources.merge(HeraldStreamsConfig.CONFIG_DEF.names(), settings.configFile,
                System.getenv(), settings.overrides);
        HeraldStreamsConfig config = new HeraldStreamsConfig(values);
        StreamsService streams = StreamsService.start(config);
        System.out.println("herald streams " + config.getString(HeraldStreamsConfig.APPLICATION_ID) + " reading "
                + config.getString(HeraldStreamsConfig.TOPIC) + " into " + config.getString(HeraldStreamsConfig.LATEST_TOPIC) + " and "
                + config.getString(HeraldStreamsConfig.STATS_TOPIC) + " (health " + streams.baseUrl() + "/healthz, metrics "
                + streams.baseUrl() + "/metrics; state in " + config.stateDir() + ")");
        Lifecycle.runUntilStopped(streams);
        return 0;
    }
}
