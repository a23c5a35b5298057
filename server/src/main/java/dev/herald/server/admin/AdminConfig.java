package dev.herald.server.admin;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of the admin page, alike on ingest and the edges: which other Herald services the
 * page shows beside this one ({@value #PEERS}) and how long it waits for each ({@value #PEER_TIMEOUT_MS}).
 */
public final class AdminConfig {

    public static final String PEERS = "admin.peers";
    public static final String PEER_TIMEOUT_MS = "admin.peer.timeout.ms";

    private AdminConfig() {
    }

    /** Adds the admin keys to {@code def}; returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(PEERS, Type.LIST, "", Importance.LOW,
                        "Base URLs of other Herald services (ingest or edges, e.g. http://edge-2:8081) whose status this service's "
                                + "/admin page shows beside its own. Each is asked for its /admin/status with the caller's token; "
                                + "one that does not answer in time shows as down.")
                .define(PEER_TIMEOUT_MS, Type.LONG, 1_000L, Range.between(100, 60_000), Importance.LOW,
                        "How long, in milliseconds, the admin status waits for each peer in admin.peers (connecting and answering).");
    }

    /**
     * The peers of {@code config}, each an absolute http or https URL without a trailing slash.
     *
     * @throws ConfigException naming the entry that is not such a URL
     */
    public static List<String> peers(AbstractConfig config) {
        List<String> peers = new ArrayList<>();
        for (String entry : config.getList(PEERS)) {
            String url = entry.strip();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new URISyntaxException(url, "not an absolute http or https URL");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(PEERS, entry, "each peer must be a base URL such as http://127.0.0.1:8081 (" + e.getReason() + ")");
            }
            peers.add(url);
        }
        return peers;
    }

    /** {@link #PEER_TIMEOUT_MS} of {@code config}. */
    public static Duration peerTimeout(AbstractConfig config) {
        return Duration.ofMillis(config.getLong(PEER_TIMEOUT_MS));
    }
}
