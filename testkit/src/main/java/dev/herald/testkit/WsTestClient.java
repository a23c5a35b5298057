package dev.herald.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One WebSocket connection to an edge over the JDK's client, collecting the JSON frames it
 * receives in a queue for the test to take. Optionally it reads one frame and then stops (a
 * subscriber that cannot keep up); optionally it records what it subscribes to and receives in a
 * {@link DeliveryLedger} ({@link ReceiptRecorder}) as the frames arrive; optionally it hands each
 * frame to a listener instead of queueing it.
 *
 * <p>{@link #next()} waits at most 30 s. A frame that is not JSON fails the listener with an
 * {@link AssertionError}, which the JDK reports by ending the connection ({@link #closeCode()} -1).
 * Methods may be called from any thread; frames are taken in arrival order.
 */
public final class WsTestClient implements AutoCloseable {

    /** How long {@link #next()} waits for a frame. */
    public static final Duration FRAME_TIMEOUT = Duration.ofSeconds(30);

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final ReceiptRecorder recorder;
    private final Consumer<JsonNode> listener;
    private final WebSocket socket;

    private WsTestClient(Builder b) {
        this.recorder = b.recorder;
        this.listener = b.listener;
        WebSocket.Builder ws = b.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (b.authorization != null) {
            ws.header("Authorization", b.authorization);
        }
        boolean reading = b.reading;
        this.socket = ws.buildAsync(URI.create(b.url), new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(reading ? Long.MAX_VALUE : 1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode frame;
                    try {
                        frame = Json.MAPPER.readTree(partial.toString());
                    } catch (Exception e) {
                        throw new AssertionError("edge sent a frame that is not JSON: " + partial, e);
                    }
                    partial.setLength(0);
                    if (recorder != null) {
                        recorder.onFrame(frame);
                    }
                    if (listener != null) {
                        listener.accept(frame);
                    } else {
                        frames.add(frame);
                    }
                }
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.complete(-1);
            }
        }).join();
    }

    /** A connection to {@code url} (e.g. {@code ws://127.0.0.1:8081/v1/ws}) over a client of its own. */
    public static WsTestClient connect(String url) {
        return builder(url).connect();
    }

    /** A connection over a shared HTTP client: many connections then share its selector thread. */
    public static WsTestClient connect(HttpClient http, String url) {
        return builder(url).over(http).connect();
    }

    /** A connection with {@code authorization} (e.g. {@code Bearer ...}) as the upgrade's {@code Authorization} header. */
    public static WsTestClient connect(HttpClient http, String url, String authorization) {
        return builder(url).over(http).authorization(authorization).connect();
    }

    /** A client that reads one frame and then nothing more: a subscriber that cannot keep up. */
    public static WsTestClient connectNotReading(String url) {
        return builder(url).notReading().connect();
    }

    /** Options for a connection to {@code url}. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Starts reading again (for a client made not reading). */
    public void resumeReading() {
        socket.request(Long.MAX_VALUE);
    }

    /** Sends one text frame and waits until it is written; a {@code subscribe} is also noted by the recorder. */
    public void send(String json) {
        if (recorder != null) {
            recorder.onSent(Json.parse(json));
        }
        socket.sendText(json, true).join();
    }

    /** Sends {@code {"op":"subscribe","channel":channel}}, with {@code "since":since} unless it is null. */
    public void subscribe(String channel, String since) {
        var op = Json.MAPPER.createObjectNode().put("op", "subscribe").put("channel", channel);
        if (since != null) {
            op.put("since", since);
        }
        send(op.toString());
    }

    /** The next frame; an {@link AssertionError} after {@link #FRAME_TIMEOUT}. */
    public JsonNode next() {
        try {
            JsonNode f = frames.poll(FRAME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + FRAME_TIMEOUT.toSeconds() + " s");
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a frame", e);
        }
    }

    /** The next {@code n} frames, each within {@link #FRAME_TIMEOUT}. */
    public List<JsonNode> next(int n) {
        List<JsonNode> got = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            got.add(next());
        }
        return got;
    }

    /** A frame arriving within {@code millis}, or {@code null}. */
    public JsonNode poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Every frame received and not yet taken, without waiting. */
    public List<JsonNode> drained() {
        List<JsonNode> all = new ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    /** The close code the edge sent, or -1 when the connection broke; completes when it ends. */
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    /** Drops the connection at once, with no close handshake (as a crashed client or a cut cable would). */
    @Override
    public void close() {
        socket.abort();
    }

    /** How to connect: fill in, then {@link #connect()}. Not thread-safe. */
    public static final class Builder {

        private final String url;
        private HttpClient http;
        private String authorization;
        private boolean reading = true;
        private ReceiptRecorder recorder;
        private Consumer<JsonNode> listener;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** Connects over {@code client} (default: a new client of its own). */
        public Builder over(HttpClient client) {
            this.http = client;
            return this;
        }

        /** Sends {@code value} as the upgrade's {@code Authorization} header. */
        public Builder authorization(String value) {
            this.authorization = value;
            return this;
        }

        /** Reads one frame and then nothing until {@link WsTestClient#resumeReading()}. */
        public Builder notReading() {
            this.reading = false;
            return this;
        }

        /** Records subscriptions and events into {@code ledger} as connection {@code connection} of {@code subscriber}. */
        public Builder recordingInto(DeliveryLedger ledger, String subscriber, String connection) {
            this.recorder = new ReceiptRecorder(ledger, subscriber, connection);
            return this;
        }

        /**
         * Hands each frame to {@code frameListener}, on the client's thread, in arrival order, instead
         * of queueing it for {@link WsTestClient#next()}.
         */
        public Builder onFrames(Consumer<JsonNode> frameListener) {
            this.listener = frameListener;
            return this;
        }

        /** Opens the connection and waits for the upgrade (10 s at most); fails with the JDK's exception when refused. */
        public WsTestClient connect() {
            if (http == null) {
                http = HttpClient.newHttpClient();
            }
            return new WsTestClient(this);
        }
    }
}
