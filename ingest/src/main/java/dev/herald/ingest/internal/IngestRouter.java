package dev.herald.ingest.internal;

import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import dev.herald.server.http.StatusRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;

/**
 * Routes ingest's HTTP API. The channel of {@code /v1/channels/{channel}/events} (and of
 * {@code /v1/channels/{channel}/latest}) is everything between the prefix and the suffix, so
 * channel names with {@code /} work whether the client sends the slash as is or as {@code %2F}.
 * Publishing and clearing a latest value need a token when tokens are on ({@link IngestAuth});
 * health, readiness and metrics do not.
 */
public final class IngestRouter implements HttpHandler {

    private static final String CHANNEL_PREFIX = "/v1/channels/";
    private static final String CHANNEL_SUFFIX = "/events";
    private static final String LATEST_SUFFIX = "/latest";

    private final PublishHandler single;
    private final BatchPublishHandler batch;
    private final ClearLatestHandler clearLatest;
    private final LogMonitor monitor;
    private final PrometheusMeterRegistry registry;
    private final IngestAuth auth;

    IngestRouter(PublishHandler single, BatchPublishHandler batch, ClearLatestHandler clearLatest, LogMonitor monitor,
                 PrometheusMeterRegistry registry, IngestAuth auth) {
        this.auth = auth;
        this.clearLatest = clearLatest;
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
            auth.authenticated(exchange, grants -> single.handle(exchange, channel, grants));
            return;
        }
        if (path.startsWith(CHANNEL_PREFIX) && path.endsWith(LATEST_SUFFIX)
                && path.length() >= CHANNEL_PREFIX.length() + LATEST_SUFFIX.length()) {
            // GET of the latest value is the edges' (they serve it from herald.latest); ingest only clears it
            if (!exchange.getRequestMethod().equals(Methods.DELETE)) {
                methodNotAllowed(exchange, path, "DELETE");
                return;
            }
            String channel = path.substring(CHANNEL_PREFIX.length(), path.length() - LATEST_SUFFIX.length());
            auth.authenticated(exchange, grants -> clearLatest.handle(exchange, channel, grants));
            return;
        }
        switch (path) {
            case "/v1/events" -> {
                if (post) {
                    auth.authenticated(exchange, grants -> batch.handle(exchange, grants));
                } else {
                    methodNotAllowed(exchange, path, "POST");
                }
            }
            case StatusRoutes.HEALTH_PATH -> {
                if (get) {
                    StatusRoutes.health(exchange);
                } else {
                    methodNotAllowed(exchange, path, "GET");
                }
            }
            case StatusRoutes.READY_PATH -> {
                if (get) {
                    StatusRoutes.readiness(exchange, monitor.notReadyReason());
                } else {
                    methodNotAllowed(exchange, path, "GET");
                }
            }
            case StatusRoutes.METRICS_PATH -> {
                if (get) {
                    StatusRoutes.metrics(exchange, registry.scrape());
                } else {
                    methodNotAllowed(exchange, path, "GET");
                }
            }
            default -> HttpAnswers.problem(exchange, Problem.notFound(path));
        }
    }

    private static void methodNotAllowed(HttpServerExchange exchange, String path, String allowed) {
        HttpAnswers.methodNotAllowed(exchange, allowed, exchange.getRequestMethod() + " is not allowed on " + path);
    }
}
