package dev.herald.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One Server-Sent Events stream from an edge (the JDK's HTTP client, as {@code curl -N} reads it),
 * collecting the JSON of each event's {@code data:} line. The lines arrive on the client's own
 * threads, so no test thread blocks on the socket: {@link #next(Duration)} waits on a queue with
 * a deadline.
 */
final class SseSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final LineCollector lines = new LineCollector();
    private final int status;

    private SseSubscriber(HttpClient http, URI url, Duration connectTimeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(url).header("Accept", "text/event-stream").build();
        // The response future of a streaming body completes only when the stream ends: the status
        // is taken from the handler, which runs as soon as the headers are in.
        CompletableFuture<Integer> headers = new CompletableFuture<>();
        http.sendAsync(request, info -> {
            headers.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
        }).whenComplete((response, error) -> {
            if (error != null) {
                headers.completeExceptionally(error);
            }
        });
        status = headers.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens the stream at {@code url} and waits at most {@code timeout} for its status line. */
    static SseSubscriber open(HttpClient http, String url, Duration timeout) throws Exception {
        return new SseSubscriber(http, URI.create(url), timeout);
    }

    /** The HTTP status the edge answered the stream with. */
    int status() {
        return status;
    }

    /** The next event's data as JSON. */
    JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no SSE event within " + timeout);
        }
        return event;
    }

    @Override
    public void close() {
        lines.cancel();
    }

    /** Keeps the {@code data:} lines; {@code id:}, comments (keep-alives) and blank lines are dropped. */
    private final class LineCollector implements Flow.Subscriber<String> {

        private volatile Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("data:")) {
                try {
                    events.add(JSON.readTree(line.substring("data:".length())));
                } catch (Exception e) {
                    throw new AssertionError("edge sent SSE data that is not JSON: " + line, e);
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            // the stream broke; next() reports what is missing
        }

        @Override
        public void onComplete() {
            // the edge ended the stream; next() reports what is missing
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
