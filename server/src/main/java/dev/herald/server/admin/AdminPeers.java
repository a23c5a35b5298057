package dev.herald.server.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The other Herald services an admin page shows ({@code admin.peers}), and how their status is
 * fetched: {@code GET <peer>/admin/status?scope=self} with the caller's own token, all peers at
 * once, each within the timeout. A peer that does not answer in time, answers an error, or
 * answers something other than a status shows as down with the reason; it never holds up the
 * others or the caller past the timeout. Thread-safe.
 */
public final class AdminPeers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> urls;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param urls    base URLs, as {@link AdminConfig#peers} gives them
     * @param timeout how long each peer may take to connect and answer
     */
    public AdminPeers(List<String> urls, Duration timeout) {
        this.urls = new CopyOnWriteArrayList<>(urls);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** Adds a peer known only once it runs (dev mode's edge, started after its ingest). */
    public void add(String baseUrl) {
        urls.add(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    }

    /** The peers' base URLs. */
    public List<String> urls() {
        return List.copyOf(urls);
    }

    /**
     * Every peer's services, in the order of the peers: each as the peer described it, with
     * {@code url} and {@code up: true}; or {@code {url, up: false, error}}. Completes within
     * about the timeout, never exceptionally.
     *
     * @param token the caller's token, or {@code null} (tokens off)
     */
    public CompletableFuture<List<Map<String, Object>>> statuses(String token) {
        List<CompletableFuture<List<Map<String, Object>>>> each = new ArrayList<>();
        for (String url : urls) {
            each.add(status(url, token));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Map<String, Object>> all = new ArrayList<>();
            for (CompletableFuture<List<Map<String, Object>>> f : each) {
                all.addAll(f.join());
            }
            return all;
        });
    }

    private CompletableFuture<List<Map<String, Object>>> status(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + AdminRoutes.STATUS_PATH + "?scope=" + AdminRoutes.SELF_SCOPE))
                .timeout(timeout).header("Accept", "application/json").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<List<Map<String, Object>>> answer;
        try {
            answer = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> services(url, response));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(List.of(down(url, e.toString())));
        }
        return answer.completeOnTimeout(List.of(down(url, "no answer within " + timeout.toMillis() + " ms")),
                        timeout.toMillis() + 250, java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(e -> List.of(down(url, reason(e))));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> services(String url, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            String body = response.body();
            return List.of(down(url, "answered " + response.statusCode() + (body.isEmpty() ? "" : ": " + abbreviate(body))));
        }
        try {
            JsonNode services = JSON.readTree(response.body()).get("services");
            if (services == null || !services.isArray() || services.isEmpty()) {
                return List.of(down(url, "answered no services"));
            }
            List<Map<String, Object>> list = new ArrayList<>();
            for (JsonNode s : services) {
                Map<String, Object> service = new LinkedHashMap<>(JSON.convertValue(s, Map.class));
                service.put("url", url);
                service.put("up", true);
                service.put("self", false);
                list.add(service);
            }
            return list;
        } catch (Exception e) {
            return List.of(down(url, "answered something other than a status: " + e.getMessage()));
        }
    }

    private static Map<String, Object> down(String url, String error) {
        Map<String, Object> down = new LinkedHashMap<>();
        down.put("url", url);
        down.put("up", false);
        down.put("self", false);
        down.put("error", error);
        return down;
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpTimeoutException) {
            return "timed out: " + cause.getMessage();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
