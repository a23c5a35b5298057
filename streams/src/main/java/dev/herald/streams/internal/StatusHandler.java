package dev.herald.streams.internal;

import java.util.function.Supplier;

import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import dev.herald.server.http.StatusRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;

/**
 * The streams service's HTTP routes, all {@code GET} and without a token: {@code /healthz},
 * {@code /readyz} (200 while Kafka Streams is {@code RUNNING}, else 503 with the reason) and
 * {@code /metrics}. Any other path answers 404; another method 405.
 */
public final class StatusHandler implements HttpHandler {

    private final Supplier<String> notReadyReason;
    private final PrometheusMeterRegistry registry;

    /**
     * @param notReadyReason why the service cannot do its work now, or {@code null} when it can
     * @param registry       the registry behind {@code /metrics}
     */
    public StatusHandler(Supplier<String> notReadyReason, PrometheusMeterRegistry registry) {
        this.notReadyReason = notReadyReason;
        this.registry = registry;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        boolean known = path.equals(StatusRoutes.HEALTH_PATH) || path.equals(StatusRoutes.READY_PATH) || path.equals(StatusRoutes.METRICS_PATH);
        if (!known) {
            HttpAnswers.problem(exchange, Problem.notFound(path));
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            HttpAnswers.methodNotAllowed(exchange, "GET", exchange.getRequestMethod() + " is not allowed on " + path);
            return;
        }
        switch (path) {
            case StatusRoutes.HEALTH_PATH -> StatusRoutes.health(exchange);
            case StatusRoutes.READY_PATH -> StatusRoutes.readiness(exchange, notReadyReason.get());
            default -> StatusRoutes.metrics(exchange, registry.scrape());
        }
    }
}
