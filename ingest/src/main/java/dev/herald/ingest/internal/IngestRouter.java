package dev.herald.ingest.internal;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.herald.server.auth.Grants;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;

/**
 * Routes ingest's HTTP API. The channel of {@code /v1/channels/{channel}/events} is everything
 * between the prefix and the suffix, so channel names with {@code /} work whether the client
 * sends the slash as is or as {@code %2F}. Publishing needs a token when tokens are on
 * ({@link IngestAuth}); health, readiness and metrics do not.
 */
public final class IngestRouter implements HttpHandler {

    private static final String CHANNEL_PREFIX = "/v1/channels/";
    private static final String CHANNEL_SUFFIX = "/events";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PublishHandler single;
    private final BatchPublishHandler batch;
    private final LogMonitor monitor;
    private final PrometheusMeterRegistry registry;
    private final IngestAuth auth;
    private final Executor workers;

    IngestRouter(PublishHandler single, BatchPublishHandler batch, LogMonitor monitor, PrometheusMeterRegistry registry, IngestAuth auth,
                 Executor workers) {
        this.auth = auth;
        this.workers = workers;
        this.single = single;
        this.batch = batch;
        this.monitor = monitor;
        this.registry = registry;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        boolean post = exchange.getRequestMethod().equals(Methods.POST);
        boolean get = exchange.getRequestMethod().equals(Methods.GET);
        if (path.startsWith(CHANNEL_PREFIX) && path.endsWith(CHANNEL_SUFFIX)
                && path.length() >= CHANNEL_PREFIX.length() + CHANNEL_SUFFIX.length()) {
            if (!post) {
                methodNotAllowed(exchange, path, "POST");
                return;
            }
            String channel = path.substring(CHANNEL_PREFIX.length(), path.length() - CHANNEL_SUFFIX.length());
            authenticated(exchange, grants -> single.handle(exchange, channel, grants));
            return;
        }
        switch (path) {
            case "/v1/events" -> {
                if (post) {
                    authenticated(exchange, grants -> batch.handle(exchange, grants));
                } else {
                    methodNotAllowed(exchange, path, "POST");
                }
            }
            case "/healthz" -> {
                if (get) {
                    Responses.json(exchange, 200, Map.of("status", "up"));
                } else {
                    methodNotAllowed(exchange, path, "GET");
                }
            }
            case "/readyz" -> {
                if (!get) {
                    methodNotAllowed(exchange, path, "GET");
                } else if (monitor.isReady()) {
                    Responses.json(exchange, 200, Map.of("status", "ready"));
                } else {
                    Responses.json(exchange, 503, Map.of("status", "not-ready", "reason", monitor.notReadyReason()));
                }
            }
            case "/metrics" -> {
                if (get) {
                    Responses.send(exchange, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    methodNotAllowed(exchange, path, "GET");
                }
            }
            default -> Responses.problem(exchange, Problem.notFound(path));
        }
    }

    /**
     * Runs {@code then} with the request's grants on its I/O thread, or answers it (401, 503). A
     * token whose keys may have to be fetched is verified on a worker, never on an I/O thread; the
     * exchange is held open meanwhile and handled on its I/O thread after, as any other.
     */
    private void authenticated(HttpServerExchange exchange, Consumer<Grants> then) {
        if (!auth.mayBlock()) {
            Grants grants = auth.authenticateOrAnswer(exchange);
            if (grants != null) {
                then.accept(grants);
            }
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> workers.execute(() -> {
            Grants grants = auth.authenticateOrAnswer(exchange);
            if (grants != null) {
                exchange.getIoThread().execute(() -> then.accept(grants));
            }
        }));
    }

    private static void methodNotAllowed(HttpServerExchange exchange, String path, String allowed) {
        exchange.getResponseHeaders().put(io.undertow.util.Headers.ALLOW, allowed);
        Responses.problem(exchange, Problem.methodNotAllowed(exchange.getRequestMethod().toString(), path));
    }
}
