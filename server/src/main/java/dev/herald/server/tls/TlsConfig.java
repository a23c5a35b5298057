package dev.herald.server.tls;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * TLS as config keys: ingest and the edges define the same two keys, with the same docs, and
 * read them into an {@link SSLContext} the same way. Both keys empty (the default) serve plain
 * HTTP and WebSocket; both set serve HTTPS and WSS on the same port.
 *
 * <p>The files are read once, at start: a renewed certificate takes a restart.
 */
public final class TlsConfig {

    public static final String CERT_FILE = "http.tls.cert.file";
    public static final String KEY_FILE = "http.tls.key.file";

    /** Every TLS key. */
    public static final List<String> KEYS = List.of(CERT_FILE, KEY_FILE);

    static final String CERT_FILE_DOC = "PEM file of the certificate chain to serve HTTPS and WSS with: the server's certificate "
            + "first, then its intermediates. Set together with " + KEY_FILE + "; both empty serve plain HTTP and WS. "
            + "An expired or not yet valid server certificate stops start-up; one that ends within " + ServerIdentity.EXPIRY_WARNING.toDays() + " days is logged. "
            + "Read at start only: a renewed certificate takes a restart.";
    static final String KEY_FILE_DOC = "PEM file of the private key of " + CERT_FILE + "'s first certificate, RSA or EC, in "
            + "unencrypted PKCS#8 (BEGIN PRIVATE KEY); other forms convert with " + PemFiles.CONVERT + ". A key that is not "
            + "the certificate's stops start-up. Keep the file readable by the service only.";

    private TlsConfig() {
    }

    /** Adds the TLS keys to {@code def}; returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(CERT_FILE, Type.STRING, "", Importance.HIGH, CERT_FILE_DOC)
                .define(KEY_FILE, Type.STRING, "", Importance.HIGH, KEY_FILE_DOC);
    }

    /** {@link #read(AbstractConfig, Clock)} on the system clock. */
    public static SSLContext read(AbstractConfig config) {
        return read(config, Clock.systemUTC());
    }

    /**
     * The TLS context of the files {@code config} names (its definition went through
     * {@link #define}), or {@code null} when both keys are empty: no TLS.
     *
     * @param clock what "now" is for the certificate's validity
     * @throws ConfigException when one key is set without the other, or the files cannot serve
     *                         TLS (naming the keys, the files and what is wrong)
     */
    public static SSLContext read(AbstractConfig config, Clock clock) {
        String cert = config.getString(CERT_FILE).strip();
        String key = config.getString(KEY_FILE).strip();
        if (cert.isEmpty() && key.isEmpty()) {
            return null;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new ConfigException(CERT_FILE + " and " + KEY_FILE + " are set together or not at all; only "
                    + (cert.isEmpty() ? KEY_FILE + "=" + key : CERT_FILE + "=" + cert) + " is set");
        }
        try {
            return ServerIdentity.read(Path.of(cert), Path.of(key), clock).sslContext();
        } catch (TlsFileException | InvalidPathException e) {
            throw new ConfigException(CERT_FILE + "=" + cert + ", " + KEY_FILE + "=" + key + ": " + e.getMessage());
        }
    }
}
