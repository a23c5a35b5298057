package dev.herald.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigException;

/**
 * Gathers a service's settings from three sources, later ones winning:
 * <ol>
 *   <li>a Java properties file ({@code --config FILE});</li>
 *   <li>environment variables {@code HERALD_<KEY>}, the key upper-cased with dots as
 *       underscores (e.g. {@code HERALD_HTTP_PORT} for {@code http.port}); only known keys are
 *       read this way;</li>
 *   <li>{@code --set key=value} flags.</li>
 * </ol>
 * The result is raw strings; the service's config class parses and checks them.
 */
public final class ConfigSources {

    private ConfigSources() {
    }

    /**
     * @param knownKeys the service's keys, for the environment lookup
     * @param file      the properties file, or {@code null}
     * @param env       the environment (normally {@code System.getenv()})
     * @param flags     the {@code --set} values
     * @throws ConfigException if the file cannot be read
     */
    public static Map<String, String> merge(Set<String> knownKeys, Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new TreeMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        }
        for (String key : knownKeys) {
            String value = env.get(envName(key));
            if (value != null) {
                values.put(key, value.trim());
            }
        }
        values.putAll(flags);
        return values;
    }

    /** The environment variable for {@code key}: {@code http.port} is {@code HERALD_HTTP_PORT}. */
    public static String envName(String key) {
        return "HERALD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
