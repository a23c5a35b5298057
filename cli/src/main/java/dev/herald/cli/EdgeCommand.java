package dev.herald.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code herald edge}: one edge relay against any Kafka cluster. Several run side by side on one
 * machine when each has its own {@code edge.id}, {@code http.port} and {@code data.dir}.
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = "Run an edge relay: consume the log, serve WebSocket and SSE subscribers. Settings: herald config edge.")
final class EdgeCommand implements Callable<Integer> {

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> values = ConfigSources.merge(EdgeConfig.CONFIG_DEF.names(), settings.configFile,
                System.getenv(), settings.overrides);
        EdgeConfig config = new EdgeConfig(values);
        EdgeServer edge = EdgeServer.start(config);
        System.out.println("herald edge " + config.edgeId() + " listening on " + edge.baseUrl() + " (WebSocket " + edge.webSocketUrl()
                + ", SSE " + edge.baseUrl() + "/v1/sse?channel=<name>; data in " + config.dataDir() + ")");
        Lifecycle.runUntilStopped(edge);
        return 0;
    }
}
