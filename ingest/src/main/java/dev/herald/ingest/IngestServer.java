package dev.herald.ingest;

import java.net.InetSocketAddress;
import java.time.Clock;

import javax.net.ssl.SSLContext;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.herald.ingest.internal.IngestComponents;
import dev.herald.schemas.Epoch;
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
 * The ingest service: Herald's HTTP publish API in front of the Kafka log.
 *
 * <p>{@link #start} connects to Kafka, creates the log topic if it is missing, and listens.
 * {@link #close} stops taking requests, lets requests in progress finish (up to 10 s), flushes
 * the producer and releases everything.
 *
 * <pre>{@code
 * try (IngestServer ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", "127.0.0.1:9092")))) {
 *     System.out.println(ingest.baseUrl());
 * }
 * }</pre>
 */
public final class IngestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
    private static final long DRAIN_TIMEOUT_MS = 10_000;

    private final IngestComponents components;
    private final GracefulShutdownHandler graceful;
    private final Undertow undertow;
    private final InetSocketAddress address;
    private final SSLContext tls;

    private IngestServer(IngestConfig config, Clock clock, Ticker ticker) {
        tls = config.tlsContext(); // before Kafka: bad TLS files fail at once
        components = new IngestComponents(config, clock, ticker);
        graceful = Handlers.gracefulShutdown(components.router());
        undertow = HttpListeners.add(Undertow.builder(), config.getInt(IngestConfig.HTTP_PORT), config.getString(IngestConfig.HTTP_HOST), tls)
                .setIoThreads(config.getInt(IngestConfig.HTTP_IO_THREADS))
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.DECODE_SLASH, true)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setHandler(graceful)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            components.close();
            throw new IllegalStateException("ingest cannot listen on " + config.getString(IngestConfig.HTTP_HOST) + ":"
                    + config.getInt(IngestConfig.HTTP_PORT) + ": " + e.getMessage(), e);
        }
        address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        LOG.info("ingest listening on {}", baseUrl());
    }

    /** Starts ingest with the system clock. */
    public static IngestServer start(IngestConfig config) {
        return start(config, Clock.systemUTC(), Ticker.systemTicker());
    }

    /**
     * Starts ingest with the given clocks.
     *
     * @param clock  the clock that stamps events
     * @param ticker the clock of the idempotency window, in nanoseconds
     */
    public static IngestServer start(IngestConfig config, Clock clock, Ticker ticker) {
        return new IngestServer(config, clock, ticker);
    }

    /** The port the API listens on. */
    public int port() {
        return address.getPort();
    }

    /** {@code http://host:port}, or {@code https://} with TLS, without a trailing slash. */
    public String baseUrl() {
        return HttpListeners.scheme(tls) + "://" + address.getHostString() + ":" + port();
    }

    /** The log's epoch as last seen. */
    public Epoch epoch() {
        return components.epoch();
    }

    /** The other services whose status this ingest's admin page shows ({@code admin.peers}, and any added since). */
    public AdminPeers adminPeers() {
        return components.adminPeers();
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return components.registry();
    }

    @Override
    public void close() {
        graceful.shutdown();
        try {
            if (!graceful.awaitShutdown(DRAIN_TIMEOUT_MS)) {
                LOG.warn("ingest closing with requests still in progress after {} ms", DRAIN_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        components.close();
    }

}
