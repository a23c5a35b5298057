package dev.herald.server.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import dev.herald.schemas.InvalidInputException;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The token settings as config keys: ingest and the edges define the same keys with the same
 * defaults and docs, and read them into an {@link Authenticator} the same way.
 *
 * <p>Tokens are on by default ({@code auth.mode=jwt}), and a service with no keys refuses to start:
 * running open must be said ({@code auth.mode=none}), never be what a forgotten setting gives.
 */
public final class AuthConfig {

    public static final String MODE = "auth.mode";
    public static final String JWKS_URL = "auth.jwks.url";
    public static final String JWKS_REFETCH_MS = "auth.jwks.refetch.interval.ms";
    public static final String PUBLIC_KEYS_FILE = "auth.public.keys.file";
    public static final String HMAC_SECRET = "auth.hmac.secret";
    public static final String ISSUER = "auth.issuer";
    public static final String AUDIENCE = "auth.audience";
    public static final String CLOCK_SKEW_MS = "auth.clock.skew.ms";

    /** {@value}: every request needs a valid token. */
    public static final String MODE_JWT = "jwt";
    /** {@value}: no token is asked for or checked; anyone may publish and subscribe anywhere. */
    public static final String MODE_NONE = "none";

    private AuthConfig() {
    }

    /** Adds the token keys to {@code def}; returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(MODE, Type.STRING, MODE_JWT, ValidString.in(MODE_JWT, MODE_NONE), Importance.HIGH,
                        "jwt: every publisher and subscriber presents a JWT (RFC 7519) verified with the keys below, and may use only "
                                + "the channels its herald.pub and herald.sub claims allow. none: no tokens, anyone reaching the port may "
                                + "publish and subscribe anywhere; it must be set explicitly, a service with no keys does not start.")
                .define(HMAC_SECRET, Type.PASSWORD, "", Importance.HIGH,
                        "Shared secret (UTF-8, at least 32 bytes) for tokens signed with HS256, HS384 or HS512.")
                .define(PUBLIC_KEYS_FILE, Type.STRING, "", Importance.HIGH,
                        "A PEM file of public keys or certificates (RSA or EC) for tokens signed with RS*, PS* or ES*.")
                .define(JWKS_URL, Type.STRING, "", Importance.HIGH,
                        "URL of a JSON Web Key Set (RFC 7517) for tokens signed with RS*, PS* or ES*; cached, and fetched again when a "
                                + "token names an unknown kid (key rotation), at most once per " + JWKS_REFETCH_MS + ".")
                .define(JWKS_REFETCH_MS, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.LOW,
                        "Least time, in milliseconds, between two fetches of " + JWKS_URL + ", so that tokens with made-up kids cannot "
                                + "make the service hammer the key server.")
                .define(ISSUER, Type.STRING, "", Importance.MEDIUM,
                        "When set, a token's iss claim must equal it.")
                .define(AUDIENCE, Type.STRING, "", Importance.MEDIUM,
                        "When set, a token's aud claim must include it.")
                .define(CLOCK_SKEW_MS, Type.LONG, 30_000L, Range.between(0, 300_000), Importance.LOW,
                        "Tolerance, in milliseconds, on exp and nbf for clocks that disagree (RFC 8725 advises keeping it small).");
    }

    /** Whether {@code config} says {@code auth.mode=none}. */
    public static boolean open(AbstractConfig config) {
        return MODE_NONE.equals(config.getString(MODE).toLowerCase(Locale.ROOT));
    }

    /**
     * The authenticator {@code config} describes (its definition went through {@link #define}).
     *
     * @throws ConfigException naming the setting that is wrong, or saying that tokens are on and no
     *                         key is given
     */
    public static Authenticator read(AbstractConfig config, Clock clock) {
        if (open(config)) {
            return Authenticator.open();
        }
        String secret = config.getPassword(HMAC_SECRET).value();
        String keysFile = config.getString(PUBLIC_KEYS_FILE);
        String jwks = config.getString(JWKS_URL);
        if (secret.isEmpty() && keysFile.isEmpty() && jwks.isEmpty()) {
            throw new ConfigException(MODE + "=" + MODE_JWT + " needs keys to verify tokens with: set " + HMAC_SECRET + ", "
                    + PUBLIC_KEYS_FILE + " or " + JWKS_URL + "; or set " + MODE + "=" + MODE_NONE
                    + " to let anyone who reaches the port publish and subscribe");
        }
        AuthKeys keys;
        try {
            keys = AuthKeys.of(secret.isEmpty() ? null : secret, keysFile.isEmpty() ? null : readKeysFile(keysFile),
                    jwks.isEmpty() ? null : url(jwks), Duration.ofMillis(config.getLong(JWKS_REFETCH_MS)));
        } catch (InvalidInputException e) {
            throw new ConfigException("token keys: " + e.getMessage());
        }
        String issuer = config.getString(ISSUER);
        String audience = config.getString(AUDIENCE);
        return Authenticator.verifying(new TokenVerifier(keys, issuer.isEmpty() ? null : issuer, audience.isEmpty() ? null : audience,
                Duration.ofMillis(config.getLong(CLOCK_SKEW_MS)), clock));
    }

    private static String readKeysFile(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(PUBLIC_KEYS_FILE, file, "cannot be read: " + e);
        }
    }

    private static URL url(String text) {
        try {
            URI uri = new URI(text);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new ConfigException(JWKS_URL, text, "must be an http or https URL");
            }
            return uri.toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new ConfigException(JWKS_URL, text, "is not a URL: " + e.getMessage());
        }
    }
}
