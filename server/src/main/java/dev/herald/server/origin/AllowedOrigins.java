package dev.herald.server.origin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import dev.herald.schemas.InvalidInputException;

/**
 * The web origins (RFC 6454) whose pages may use a service from a browser: they get CORS answers,
 * and only they may open the edge's WebSocket. Written as exact origins, comma-separated
 * ({@code https://app.example.com, http://localhost:5173}), or {@code *} for any.
 *
 * <p>A request without an {@code Origin} header does not come from a web page (curl, a server, a
 * native app): {@link #allows} lets it through, since the origin check protects browser users
 * from other sites, not the service from clients; tokens do that.
 *
 * <p>Immutable and thread-safe.
 */
public final class AllowedOrigins {

    /** The value that allows every origin. */
    public static final String ANY = "*";

    private final Set<String> origins;
    private final boolean any;

    private AllowedOrigins(Set<String> origins, boolean any) {
        this.origins = Set.copyOf(origins);
        this.any = any;
    }

    /**
     * Reads a comma-separated list. Each entry is {@code scheme://host[:port]} with scheme
     * {@code http} or {@code https}, no path; case and a default port do not matter
     * ({@code HTTPS://App.example.com:443} is {@code https://app.example.com}). Empty allows no web
     * page.
     *
     * @throws InvalidInputException naming the entry that is not an origin
     */
    public static AllowedOrigins parse(String list) {
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        for (String entry : list.split(",")) {
            String origin = entry.strip();
            if (origin.isEmpty()) {
                continue;
            }
            if (origin.equals(ANY)) {
                any = true;
            } else {
                origins.add(normalize(origin));
            }
        }
        return new AllowedOrigins(origins, any);
    }

    /** Whether every origin is allowed ({@code *}). */
    public boolean any() {
        return any;
    }

    /**
     * Whether a request with this {@code Origin} header may go on: yes when there is none (not a
     * web page), when all are allowed, or when it is one of the list; {@code null} (the origin of a
     * sandboxed or {@code file:} page) and anything unreadable only with {@code *}.
     */
    public boolean allows(String originHeader) {
        if (originHeader == null) {
            return true;
        }
        if (any) {
            return true;
        }
        String origin = normalizeOrNull(originHeader);
        return origin != null && origins.contains(origin);
    }

    private static String normalizeOrNull(String origin) {
        try {
            return normalize(origin);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    /** {@code scheme://host[:port]} in lower case, without the scheme's default port. */
    static String normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("'" + origin + "' is not an origin: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new InvalidInputException("'" + origin + "' is not an origin: it must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidInputException("'" + origin + "' is not an origin: only scheme://host[:port], with no path");
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    @Override
    public String toString() {
        return any ? ANY : String.join(",", origins);
    }
}
