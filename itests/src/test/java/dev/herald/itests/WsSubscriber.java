package dev.herald.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One WebSocket connection to an edge (the JDK's client), collecting the frames it receives. */
final class WsSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private WsSubscriber(HttpClient http, String url, String authorization) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        socket = builder.buildAsync(URI.create(url), new WebSocket.Listener() {
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
                ws.request(1);
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

    static WsSubscriber connect(HttpClient http, String url) {
        return new WsSubscriber(http, url, null);
    }

    /** Connects with an {@code Authorization} header on the upgrade. */
    static WsSubscriber connect(HttpClient http, String url, String authorization) {
        return new WsSubscriber(http, url, authorization);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** The next frame within {@code millis}, or {@code null}. */
    JsonNode poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next frame; fails after 30 s. */
    JsonNode next() throws InterruptedException {
        JsonNode f = poll(30_000);
        if (f == null) {
            throw new AssertionError("no frame within 30 s");
        }
        return f;
    }

    /** The close code the edge sent, or -1 when the connection broke; completes when it ends. */
    CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
