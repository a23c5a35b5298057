package dev.herald.server.origin;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.herald.schemas.InvalidInputException;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@value #ALLOWED_ORIGINS} key, alike on ingest and the edges.
 *
 * <p>{@code *} with tokens on would let any site a user visits read that user's streams through
 * their cookie, so it is refused then, except on a service that listens on loopback only (a
 * developer's own machine, as {@code ./herald dev --auth} runs).
 */
public final class OriginsConfig {

    public static final String ALLOWED_ORIGINS = "http.allowed.origins";

    private OriginsConfig() {
    }

    /** Adds {@value #ALLOWED_ORIGINS} to {@code def}; returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(ALLOWED_ORIGINS, Type.STRING, "", Importance.MEDIUM,
                "Web origins whose pages may use this service from a browser, comma-separated (https://app.example.com,"
                        + "http://localhost:5173): they get CORS answers and may open WebSockets; a request from another origin gets 403. "
                        + "Requests with no Origin header (curl, servers, apps) are not affected. * allows any origin, and needs "
                        + "auth.mode=none unless http.host is a loopback address.");
    }

    /**
     * The origins {@code value} lists, checked against the rest of the settings.
     *
     * @param tokensOn whether {@code auth.mode} is {@code jwt}
     * @param httpHost the address the service listens on
     * @throws ConfigException naming the entry that is not an origin, or refusing {@code *}
     */
    public static AllowedOrigins read(String value, boolean tokensOn, String httpHost) {
        AllowedOrigins origins;
        try {
            origins = AllowedOrigins.parse(value);
        } catch (InvalidInputException e) {
            throw new ConfigException(ALLOWED_ORIGINS, value, e.getMessage());
        }
        if (origins.any() && tokensOn && !loopback(httpHost)) {
            throw new ConfigException(ALLOWED_ORIGINS, value, "* lets any web site read its visitors' streams with their cookies; "
                    + "with auth.mode=jwt list the origins of your apps instead (* is allowed with tokens on only when http.host is a "
                    + "loopback address)");
        }
        return origins;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
