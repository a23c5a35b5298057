package dev.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generators' HTTP/1.1 client to one ingest server: {@code java.net.http.HttpClient}
 * used asynchronously, with its own daemon threads, on which response callbacks run.
 *
 * <p>The client opens as many keep-alive connections as there are requests in flight. Every
 * request has a deadline of {@link #REQUEST_TIMEOUT}. Thread-safe.
 */
final class IngestClient implements AutoCloseable {

    /** Longest wait for one answer; a request past it counts as failed. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUri;
    private final ExecutorService threads;
    private final HttpClient http;

    /** @param baseUrl {@code http://host:port} of the ingest server */
    IngestClient(String baseUrl) {
        this.baseUri = URI.create(baseUrl);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "herald-bench-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(threads)
                .build();
    }

    /** A reusable POST of {@code body} to {@code path} (which starts with {@code /}). */
    HttpRequest post(String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(baseUri.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, handler);
    }

    /** The client's own threads, for continuations that must not run on the caller's stack. */
    ExecutorService threads() {
        return threads;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
