package dev.herald.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.herald.edge.EdgeConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * Where an operator command ({@code replay}, {@code lag}, {@code tail}) finds the log: the
 * cluster from {@code --bootstrap-servers}, or from a service's {@code --config} file (its
 * {@code bootstrap.servers}, {@code topic} and {@code kafka.*} client settings, e.g. SASL or TLS),
 * or from {@code HERALD_BOOTSTRAP_SERVERS}; a flag wins over the file, the file over the
 * environment. The topic defaults to {@code herald.events}.
 */
final class LogOptions {

    static final String DEFAULT_TOPIC = "herald.events";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "The Kafka cluster holding the log.")
    String bootstrapServers;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "A service's properties file: its bootstrap.servers, topic and kafka.* client settings are used.")
    Path configFile;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The log topic (default: the file's topic, else " + DEFAULT_TOPIC + ").")
    String topic;

    private Map<String, String> values() {
        Map<String, String> flags = new HashMap<>();
        if (bootstrapServers != null) {
            flags.put(EdgeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (topic != null) {
            flags.put(EdgeConfig.TOPIC, topic);
        }
        return ConfigSources.merge(Set.of(EdgeConfig.BOOTSTRAP_SERVERS, EdgeConfig.TOPIC), configFile, System.getenv(), flags);
    }

    /**
     * Kafka client properties for the cluster: {@code bootstrap.servers} and the file's
     * {@code kafka.*} settings without their prefix.
     *
     * @throws ConfigException if no cluster was named
     */
    Map<String, Object> clientProps() {
        Map<String, String> values = values();
        String servers = values.get(EdgeConfig.BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw new ConfigException("name the Kafka cluster: --bootstrap-servers HOST:PORT[,...], or --config FILE with bootstrap.servers");
        }
        Map<String, Object> props = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(EdgeConfig.KAFKA_PREFIX)) {
                props.put(k.substring(EdgeConfig.KAFKA_PREFIX.length()), v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers.trim());
        return props;
    }

    /** The log topic. */
    String topic() {
        return values().getOrDefault(EdgeConfig.TOPIC, DEFAULT_TOPIC);
    }
}
