package dev.herald.edge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real WebSocket client (the JDK's) that collects the edge's frames; optionally it stops reading. */
final class WsClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    private WsClient(HttpClient http, String url, boolean reading) {
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.request(reading ? Long.MAX_VALUE : 1);
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                frames.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new AssertionError("edge sent a frame that is not JSON: " + partial, e);
                            }
                            partial.setLength(0);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        closeCode.complete(-1);
                    }
                }).join();
    }

    static WsClient connect(String url) {
        return new WsClient(HttpClient.newHttpClient(), url, true);
    }

    /** A connection over a shared HTTP client: many connections then share its selector thread. */
    static WsClient connect(HttpClient http, String url) {
        return new WsClient(http, url, true);
    }

    /** A client that reads one frame and then nothing more: a subscriber that cannot keep up. */
    static WsClient connectNotReading(String url) {
        return new WsClient(HttpClient.newHttpClient(), url, false);
    }

    /** Starts reading again (for a client made with {@link #connectNotReading}). */
    void resumeReading() {
        socket.request(Long.MAX_VALUE);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** The next frame, waiting up to 30 s. */
    JsonNode next() {
        try {
            JsonNode f = frames.poll(30, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 30 s");
            }
            return f;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next {@code n} frames. */
    List<JsonNode> next(int n) {
        List<JsonNode> got = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            got.add(next());
        }
        return got;
    }

    /** A frame arriving within {@code millis}, or {@code null}. */
    JsonNode poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every frame received and not yet taken, without waiting. */
    List<JsonNode> drained() {
        List<JsonNode> all = new ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
