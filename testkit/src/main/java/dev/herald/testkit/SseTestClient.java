package dev.herald.testkit;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real Server-Sent Events client over the JDK's HTTP client: it parses the stream as the
 * EventSource specification says (fields {@code event}, {@code id}, {@code data}, comments,
 * multi-line data joined with line feeds) and remembers the last event id, as a browser does.
 * Events wait in a queue for the test; {@link #next()} waits at most 30 s. Thread-safe.
 */
public final class SseTestClient implements AutoCloseable {

    /** One dispatched event: its type ({@code message} when unnamed), the last event id after it, its data. */
    public record SseEvent(String type, String lastEventId, String data) {

        /** The data as JSON; an {@link AssertionError} when it is not. */
        public JsonNode json() {
            return Json.parse(data);
        }
    }

    private final LinkedBlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<Stream<String>> response;
    private final ReceiptRecorder recorder;
    private volatile String lastEventId = "";

    private SseTestClient(HttpResponse<Stream<String>> response, ReceiptRecorder recorder) {
        this.response = response;
        this.recorder = recorder;
        Thread reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code url}, sending {@code lastEventId} as the {@code Last-Event-ID} header unless it is null. */
    public static SseTestClient connect(String url, String lastEventId) throws Exception {
        return connect(url, lastEventId, null);
    }

    /**
     * Like {@link #connect(String, String)}, recording each event's frame (the stream carries the
     * WebSocket protocol's {@code subscribed} and {@code event} frames as data) with {@code recorder},
     * unless it is null, as it arrives.
     */
    public static SseTestClient connect(String url, String lastEventId, ReceiptRecorder recorder) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        return new SseTestClient(response, recorder);
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("content-type").orElse("");
    }

    /** The body, for an answer that is not a stream (e.g. a 400 problem). */
    public String body() throws Exception {
        ended.get(10, TimeUnit.SECONDS);
        StringBuilder all = new StringBuilder();
        for (SseEvent e : events) {
            all.append(e.data());
        }
        return all.toString();
    }

    /** The id a browser would send as {@code Last-Event-ID} if it reconnected now. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The next event; fails after 30 s. */
    public SseEvent next() throws InterruptedException {
        SseEvent e = events.poll(30, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no SSE event within 30 s");
        }
        return e;
    }

    /** The next {@code n} events. */
    public List<SseEvent> next(int n) throws InterruptedException {
        List<SseEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(next());
        }
        return list;
    }

    /** The next event within {@code millis}, or null. */
    public SseEvent poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Completes when the server ends the stream. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    private void read() {
        if (!contentType().startsWith("text/event-stream")) {
            // not a stream: keep the body lines as data, for body()
            try (Stream<String> lines = response.body()) {
                lines.forEach(l -> events.add(new SseEvent("body", "", l)));
            } finally {
                ended.complete(null);
            }
            return;
        }
        String type = "";
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        SseEvent event = new SseEvent(type.isEmpty() ? "message" : type, lastEventId, data.toString());
                        if (recorder != null) {
                            recorder.onFrame(event.json());
                        }
                        events.add(event);
                    }
                    type = "";
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> type = value;
                    case "id" -> lastEventId = value;
                    case "data" -> {
                        if (data == null) {
                            data = new StringBuilder(value);
                        } else {
                            data.append('\n').append(value);
                        }
                    }
                    default -> { }
                }
            }
        } catch (UncheckedIOException e) {
            // the connection ended
        } finally {
            ended.complete(null);
        }
    }

    @Override
    public void close() {
        response.body().close();
    }
}
