package dev.herald.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.fanout.ReplayRange;

/**
 * A running edge's replay endpoint, as {@code herald replay --edge-url URL} calls it: starts a
 * replay ({@code POST /admin/replay}) and reads its progress ({@code GET /admin/replay/<id>}),
 * with an admin token in {@code Authorization: Bearer} when one is given. Refusals (401, 403,
 * 400, 409) become an {@link IllegalStateException} with the edge's own explanation and what to do.
 */
final class EdgeReplayClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String token;

    /**
     * @param baseUrl the edge's {@code http(s)://host:port}
     * @param token   an admin token, or {@code null} (an edge with tokens off)
     */
    EdgeReplayClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    /** Starts the replay of {@code plan}; returns its status, with its {@code id}. */
    JsonNode start(ReplayPlan plan) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("edge", plan.edgeId());
        body.put("topic", plan.topic());
        body.put("mode", plan.mode());
        if (plan.channel() != null) {
            body.put("channel", plan.channel());
        }
        List<Map<String, Object>> ranges = new ArrayList<>();
        for (ReplayRange r : plan.ranges()) {
            ranges.add(Map.of("partition", r.partition(), "from", r.fromOffset(), "to", r.toOffset()));
        }
        body.put("ranges", ranges);
        try {
            return send(request("/admin/replay").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), 202);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the replay request: " + e.getMessage(), e);
        }
    }

    /** The status of replay {@code id}. */
    JsonNode status(String id) {
        return send(request("/admin/replay/" + id).GET().build(), 200);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private JsonNode send(HttpRequest request, int expected) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the edge at " + baseUrl + " (" + e + "): check --edge-url", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to the edge", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() == expected && body != null) {
            return body;
        }
        String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : response.body();
        String hint = switch (response.statusCode()) {
            case 401 -> ": give an admin token with --token or HERALD_TOKEN (herald token --admin mints one)";
            case 403 -> ": the token lacks the admin permission; mint one with herald token --admin";
            case 404 -> ": is " + baseUrl + " a Herald edge?";
            default -> "";
        };
        throw new IllegalStateException("the edge at " + baseUrl + " answered " + response.statusCode() + " to " + request.method() + " "
                + request.uri().getPath() + ": " + detail + hint);
    }
}
