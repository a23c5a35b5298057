package dev.herald.server.tls;

import java.util.List;

import javax.net.ssl.SSLContext;

import io.undertow.Undertow;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;

/**
 * A service's one listener: plain HTTP, or HTTPS when it has a TLS context (from
 * {@link TlsConfig#read}). A WebSocket upgrade on an HTTPS listener is {@code wss}: the upgraded
 * connection keeps the TLS layer under it, so the edge's WebSocket code needs no TLS of its own.
 */
public final class HttpListeners {

    /**
     * The protocol versions an HTTPS listener speaks. Older ones are disabled in the JDK's
     * default security settings too, but those are the operator's to edit; these are not.
     */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private HttpListeners() {
    }

    /**
     * Adds to {@code builder} a listener on {@code host:port}: HTTPS with {@code tls} (TLS 1.3
     * and 1.2 only, no client certificate asked), or HTTP when {@code tls} is {@code null}.
     *
     * @return {@code builder}
     */
    public static Undertow.Builder add(Undertow.Builder builder, int port, String host, SSLContext tls) {
        if (tls == null) {
            return builder.addHttpListener(port, host);
        }
        return builder.addListener(new Undertow.ListenerBuilder()
                .setType(Undertow.ListenerType.HTTPS)
                .setPort(port)
                .setHost(host)
                .setSslContext(tls)
                .setOverrideSocketOptions(OptionMap.create(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(TLS_PROTOCOLS))));
    }

    /** {@code https} with a TLS context, else {@code http}. */
    public static String scheme(SSLContext tls) {
        return tls == null ? "http" : "https";
    }

    /** {@code wss} with a TLS context, else {@code ws}. */
    public static String webSocketScheme(SSLContext tls) {
        return tls == null ? "ws" : "wss";
    }
}
