package dev.herald.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Blocking HTTP/1.1 requests for tests, over one shared JDK client: 5 s to connect, 30 s for each
 * request. A request that gets no answer fails the test with an {@link AssertionError} naming the URI;
 * any answer, an error status included, is returned.
 */
public final class HttpTestClient {

    /** The deadline of each request. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private HttpTestClient() {
    }

    /** POSTs {@code body} to {@code url} with {@code headers} (name, value, name, value ...). */
    public static HttpResponse<String> post(String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    /** GETs {@code url}. */
    public static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    /** Sends {@code request} as it is, its body read as a string. */
    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during the request to " + request.uri(), e);
        } catch (Exception e) {
            throw new AssertionError("request to " + request.uri() + " failed: " + e, e);
        }
    }

    /** The answer's body as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body());
    }
}
