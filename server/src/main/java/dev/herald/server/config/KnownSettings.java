package dev.herald.server.config;

import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Refuses settings a service does not know, so that a misspelt key fails start-up with the list
 * of known ones instead of being ignored. Keys under the Kafka pass-through prefix are the Kafka
 * clients' to check.
 */
public final class KnownSettings {

    private KnownSettings() {
    }

    /**
     * {@code values}, when every key is one of {@code def}'s or starts with {@code kafkaPrefix}.
     *
     * @param service      the service's name in the message ("edge", "ingest", ...)
     * @param kafkaClients what the {@code kafkaPrefix} settings go to, for the message
     * @throws ConfigException naming the unknown keys and the known ones
     */
    public static <V> Map<String, V> check(Map<String, V> values, ConfigDef def, String kafkaPrefix, String service, String kafkaClients) {
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!def.names().contains(key) && !key.startsWith(kafkaPrefix)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown " + service + " setting(s) " + unknown + "; known: " + new TreeSet<>(def.names())
                    + ", plus " + kafkaPrefix + "* for " + kafkaClients);
        }
        return values;
    }
}
