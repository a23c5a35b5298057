package dev.herald.server.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.undertow.server.HttpServerExchange;

/**
 * The answers of the routes that tell operators how a service is, the same on ingest and the
 * edges: {@value #HEALTH_PATH} (the process is up), {@value #READY_PATH} (it can do its work now)
 * and {@value #METRICS_PATH} (Prometheus text). Each method ends the exchange; which methods a
 * route takes is the router's choice.
 */
public final class StatusRoutes {

    public static final String HEALTH_PATH = "/healthz";
    public static final String READY_PATH = "/readyz";
    public static final String METRICS_PATH = "/metrics";
    /** The media type of the Prometheus text exposition format, version 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Map<String, String> UP = Map.of("status", "up");
    private static final Map<String, String> READY = Map.of("status", "ready");

    private StatusRoutes() {
    }

    /** 200 {@code {"status":"up"}}. */
    public static void health(HttpServerExchange exchange) {
        HttpAnswers.json(exchange, 200, UP);
    }

    /**
     * 200 {@code {"status":"ready"}}, or 503 {@code {"status":"not-ready","reason":...}}.
     *
     * @param notReadyReason why the service cannot do its work now, or {@code null} when it can
     */
    public static void readiness(HttpServerExchange exchange, String notReadyReason) {
        if (notReadyReason == null) {
            HttpAnswers.json(exchange, 200, READY);
            return;
        }
        Map<String, String> notReady = new LinkedHashMap<>();
        notReady.put("status", "not-ready");
        notReady.put("reason", notReadyReason);
        HttpAnswers.json(exchange, 503, notReady);
    }

    /** 200 with {@code scrape}, the registry's Prometheus text. */
    public static void metrics(HttpServerExchange exchange, String scrape) {
        HttpAnswers.send(exchange, 200, PROMETHEUS_TEXT, scrape.getBytes(StandardCharsets.UTF_8));
    }
}
