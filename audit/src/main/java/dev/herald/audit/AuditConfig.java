package dev.herald.audit;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.herald.schemas.ChannelName;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of a delivery auditor, with its default, unit and meaning. Parsed and checked
 * once at start; a bad value or an unknown key stops start-up with a {@link ConfigException}
 * naming it. Immutable and thread-safe.
 */
public final class AuditConfig extends AbstractConfig {

    public static final String INGEST_URL = "audit.ingest.url";
    public static final String EDGE_URLS = "audit.edge.urls";
    public static final String RATE_PER_S = "audit.rate.per.s";
    public static final String LOSS_DEADLINE_MS = "audit.loss.deadline.ms";
    public static final String CHANNEL = "audit.channel";
    public static final String RESUME = "audit.resume";
    public static final String TOKEN = "audit.token";

    /** The first part of the default channel, {@code herald.audit.<host name>}. */
    public static final String CHANNEL_PREFIX = "herald.audit.";

    /** The definition of every key. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(INGEST_URL, Type.STRING, "http://127.0.0.1:8080", url("http", "https"), Importance.HIGH,
                    "Base URL of the ingest the canaries are published through (POST <url>/v1/channels/<channel>/events).")
            .define(EDGE_URLS, Type.LIST, List.of("ws://127.0.0.1:8081/v1/ws"), edgeUrls(), Importance.HIGH,
                    "The edges to subscribe to the canaries through, one WebSocket each: ws:// or wss:// URLs of /v1/ws, "
                            + "or an edge's http:// base URL. Each edge's meters are tagged edge=<host>:<port>.")
            .define(RATE_PER_S, Type.DOUBLE, 1.0, Range.between(0.01, 1_000), Importance.MEDIUM,
                    "Canary events published per second.")
            .define(LOSS_DEADLINE_MS, Type.LONG, 30_000L, Range.between(100, 3_600_000), Importance.MEDIUM,
                    "How long, in milliseconds, after ingest acknowledged a canary each edge must have delivered it; "
                            + "one not delivered by then is counted lost (and late if it comes after).")
            .define(CHANNEL, Type.STRING, "", channelName(), Importance.LOW,
                    "The channel the canaries go to. Default: herald.audit.<host name>.")
            .define(RESUME, Type.BOOLEAN, true, Importance.LOW,
                    "Whether a dropped WebSocket resubscribes from the last position it received (true), or live only "
                            + "(false: what a client that does not resume would miss is counted lost).")
            .define(TOKEN, Type.PASSWORD, "", Importance.MEDIUM,
                    "A token (JWT) sent as 'Authorization: Bearer' on publishes and WebSocket upgrades, for services with tokens on; it "
                            + "must allow publishing to and subscribing to the audit channel, and live as long as the auditor does "
                            + "(an edge closes a WebSocket whose token expired).");

    private final URI ingestUrl;
    private final Map<String, URI> edges;

    /**
     * Parses and checks {@code values}.
     *
     * @throws ConfigException naming the first bad key and value, or an unknown key
     */
    public AuditConfig(Map<String, ?> values) {
        super(CONFIG_DEF, rejectUnknown(values), false);
        ingestUrl = URI.create(stripSlash(getString(INGEST_URL)));
        edges = new LinkedHashMap<>();
        for (String url : getList(EDGE_URLS)) {
            URI ws = webSocketUrl(url);
            String name = ws.getHost() + ":" + ws.getPort();
            if (edges.putIfAbsent(name, ws) != null) {
                throw new ConfigException(EDGE_URLS, getList(EDGE_URLS), "edge " + name + " is listed twice");
            }
        }
    }

    /** The ingest's base URL, without a trailing slash. */
    public URI ingestUrl() {
        return ingestUrl;
    }

    /** Each edge's WebSocket URL by its name ({@code host:port}), in the configured order. */
    public Map<String, URI> edges() {
        return Collections.unmodifiableMap(edges);
    }

    public double ratePerSecond() {
        return getDouble(RATE_PER_S);
    }

    public Duration lossDeadline() {
        return Duration.ofMillis(getLong(LOSS_DEADLINE_MS));
    }

    /** {@link #TOKEN}, or {@code null} when empty (services with tokens off). */
    public String token() {
        String token = getPassword(TOKEN).value();
        return token.isEmpty() ? null : token;
    }

    public boolean resume() {
        return getBoolean(RESUME);
    }

    /** {@link #CHANNEL}, or {@code herald.audit.<host name>} when it is empty. */
    public String channel() {
        String channel = getString(CHANNEL);
        if (!channel.isEmpty()) {
            return channel;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "local";
        }
        return CHANNEL_PREFIX + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.:@-]", "-");
    }

    /** How many canaries the auditor tracks at once: four deadlines' worth at the rate, at least 1,000. */
    public int maxTracked() {
        double perDeadline = ratePerSecond() * getLong(LOSS_DEADLINE_MS) / 1_000.0;
        return (int) Math.min(10_000_000, Math.max(1_000, Math.ceil(4 * perDeadline)));
    }

    /**
     * The WebSocket URL for an edge URL as configured: {@code ws[s]://host:port/v1/ws} as it is,
     * {@code http[s]://host:port} as {@code ws[s]://host:port/v1/ws}.
     *
     * @throws ConfigException if it is neither
     */
    static URI webSocketUrl(String url) {
        URI uri = parse(EDGE_URLS, url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String ws = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw new ConfigException(EDGE_URLS, url, "an edge URL is ws://, wss://, http:// or https://");
        };
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/") ? "/v1/ws" : uri.getRawPath();
        int port = uri.getPort() != -1 ? uri.getPort() : ws.equals("ws") ? 80 : 443;
        return URI.create(ws + "://" + uri.getHost() + ":" + port + path);
    }

    private static URI parse(String key, String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(key, url, "not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new ConfigException(key, url, "a URL needs a scheme and a host");
        }
        return uri;
    }

    private static String stripSlash(String url) {
        String trimmed = url.trim();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private static ConfigDef.Validator url(String... schemes) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            URI uri = parse(name, (String) value);
            if (!List.of(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(name, value, "the URL's scheme must be one of " + List.of(schemes));
            }
        }, () -> "an " + String.join(" or ", schemes) + " URL");
    }

    private static ConfigDef.Validator edgeUrls() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            List<?> urls = (List<?>) value;
            if (urls.isEmpty()) {
                throw new ConfigException(name, value, "at least one edge is needed");
            }
            for (Object url : urls) {
                webSocketUrl((String) url);
            }
        }, () -> "one or more ws, wss, http or https URLs, comma-separated");
    }

    private static ConfigDef.Validator channelName() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String channel = (String) value;
            String violation = channel.isEmpty() ? null : ChannelName.violation(channel);
            if (violation != null) {
                throw new ConfigException(name, value, violation);
            }
        }, () -> "empty, or a channel name");
    }

    private static Map<String, ?> rejectUnknown(Map<String, ?> values) {
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!CONFIG_DEF.names().contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown audit setting(s) " + unknown + "; known: " + new TreeSet<>(CONFIG_DEF.names()));
        }
        return values;
    }
}
