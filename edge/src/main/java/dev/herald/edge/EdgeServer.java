package dev.herald.edge;

import java.net.InetSocketAddress;
import java.time.Clock;

import javax.net.ssl.SSLContext;

import dev.herald.edge.internal.EdgeComponents;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.protocol.CloseCode;
import dev.herald.server.admin.AdminPeers;
import dev.herald.server.tls.HttpListeners;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge relay: consumes the log into its local store and delivers each event at least once
 * to its WebSocket subscribers, who may resume from a position on any edge.
 *
 * <p>{@link #close} drains: it stops accepting connections, closes the open ones with
 * {@link CloseCode#GOING_AWAY} (reconnect elsewhere and resume), stops the consumer, which
 * commits its offsets, and closes the store.
 */
public final class EdgeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

    private final EdgeComponents components;
    private final GracefulShutdownHandler graceful;
    private final Undertow undertow;
    private final InetSocketAddress address;
    private final SSLContext tls;

    private EdgeServer(EdgeConfig config, Clock clock) {
        tls = config.tlsContext(); // before Kafka and the store: bad TLS files fail at once
        components = new EdgeComponents(config, clock);
        graceful = Handlers.gracefulShutdown(components.routes());
        undertow = HttpListeners.add(Undertow.builder(), config.getInt(EdgeConfig.HTTP_PORT), config.getString(EdgeConfig.HTTP_HOST), tls)
                .setIoThreads(config.getInt(EdgeConfig.HTTP_IO_THREADS))
                .setWorkerThreads(4)
                // the history route's channel is a path segment: a '/' in its name comes as %2F
                .setServerOption(UndertowOptions.DECODE_SLASH, true)
                .setHandler(graceful)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            components.close();
            throw new IllegalStateException("edge cannot listen on " + config.getString(EdgeConfig.HTTP_HOST) + ":"
                    + config.getInt(EdgeConfig.HTTP_PORT) + ": " + e.getMessage(), e);
        }
        address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        LOG.info("edge {} listening on {}", config.edgeId(), baseUrl());
    }

    /** Starts an edge with the system clock. */
    public static EdgeServer start(EdgeConfig config) {
        return new EdgeServer(config, Clock.systemUTC());
    }

    public int port() {
        return address.getPort();
    }

    /** {@code http://host:port}, or {@code https://} with TLS. */
    public String baseUrl() {
        return HttpListeners.scheme(tls) + "://" + address.getHostString() + ":" + port();
    }

    /** {@code ws://host:port/v1/ws}, or {@code wss://} with TLS. */
    public String webSocketUrl() {
        return HttpListeners.webSocketScheme(tls) + "://" + address.getHostString() + ":" + port() + "/v1/ws";
    }

    public Epoch epoch() {
        return components.epoch();
    }

    public PrometheusMeterRegistry registry() {
        return components.registry();
    }

    /** The other services whose status this edge's admin page shows ({@code admin.peers}, and any added since). */
    public AdminPeers adminPeers() {
        return components.adminPeers();
    }

    /** Open client connections now, WebSocket and SSE. */
    public int connections() {
        return components.connections();
    }

    @Override
    public void close() {
        graceful.shutdown();
        components.closeConnections();
        undertow.stop();
        components.close();
    }
}
