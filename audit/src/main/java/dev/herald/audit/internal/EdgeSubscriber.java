package dev.herald.audit.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.audit.DeliveryChecker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's subscriber on one edge: one WebSocket subscribed to the canary channel, recording
 * each canary of this auditor in the checker as a receipt of the connection named after the edge.
 * When the socket drops (a close, an error, a failed connect) it connects again after a backoff
 * that doubles from {@value #MIN_BACKOFF_MS} ms to {@value #MAX_BACKOFF_MS} ms and starts over
 * once subscribed; with {@code resume} it subscribes with {@code since} = the last position it
 * received (or the first {@code subscribed} answer's, before any event), else live only. The
 * checker judges all its sockets as one subscriber, so what a live-only reconnect skips is
 * counted lost.
 *
 * <p>Frames arrive on the HTTP client's threads, one at a time per socket; reconnects are
 * scheduled on the given timer. {@link #close()} stops it for good.
 */
public final class EdgeSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.herald.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String edge;
    private final URI url;
    private final String channel;
    private final String auditorId;
    private final boolean resume;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final DeliveryChecker checker;
    private final AuditMetrics metrics;
    private final ThrottledLog errors = new ThrottledLog(LOG);

    /** The position to resume after; written by the socket's thread, read when connecting. */
    private volatile String lastPosition;
    private volatile long backoffMs = MIN_BACKOFF_MS;
    private volatile boolean closed;
    private volatile WebSocket socket;
    private volatile boolean everSubscribed;
    private final String token;

    /** @param token sent as {@code Authorization: Bearer} on each upgrade, or {@code null} for none */
    public EdgeSubscriber(String edge, URI url, String channel, String auditorId, boolean resume, String token, HttpClient http,
            ScheduledExecutorService timer, DeliveryChecker checker, AuditMetrics metrics) {
        this.edge = edge;
        this.token = token;
        this.url = url;
        this.channel = channel;
        this.auditorId = auditorId;
        this.resume = resume;
        this.http = http;
        this.timer = timer;
        this.checker = checker;
        this.metrics = metrics;
    }

    /** Opens the first socket; later ones open by themselves. */
    public void start() {
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        Session session = new Session();
        try {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            builder.buildAsync(url, session).whenComplete((ws, error) -> {
                if (error != null) {
                    session.dropped("cannot connect: " + rootMessage(error));
                } else {
                    socket = ws;
                    if (closed) {
                        ws.abort();
                    }
                }
            });
        } catch (RuntimeException e) {
            session.dropped("cannot connect: " + e);
        }
    }

    private void reconnectLater() {
        if (closed) {
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, delay * 2);
        try {
            timer.schedule(() -> {
                metrics.reconnected(edge);
                connect();
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the auditor is closing
        }
    }

    private String subscribeFrame() {
        ObjectNode frame = JSON.createObjectNode().put("op", "subscribe").put("channel", channel);
        String since = resume ? lastPosition : null;
        if (since != null) {
            frame.put("since", since);
        }
        return frame.toString();
    }

    private void handle(JsonNode frame) {
        if (!channel.equals(frame.path("channel").asText(null))) {
            if ("error".equals(frame.path("op").asText())) {
                metrics.subscribeError();
                errors.warn("edge {} answered an error: {}", edge, frame);
            }
            return;
        }
        switch (frame.path("op").asText("")) {
            case "subscribed" -> subscribed(frame);
            case "event" -> event(frame);
            default -> {
            }
        }
    }

    private void subscribed(JsonNode frame) {
        checker.subscribed(edge, edge, channel);
        backoffMs = MIN_BACKOFF_MS;
        metrics.connected(edge, true);
        if (lastPosition == null) {
            lastPosition = frame.path("position").asText(null);
        }
        if (!frame.path("recovered").asBoolean(true)) {
            LOG.warn("edge {} could not resume the canaries from {}: {}", edge, lastPosition, frame.path("reason").asText("no reason given"));
        } else if (everSubscribed) {
            LOG.info("auditor subscribed to edge {} again ({})", edge, resume ? "resumed" : "live only");
        }
        everSubscribed = true;
    }

    private void event(JsonNode frame) {
        long receivedNanos = checker.nanoTime();
        String position = frame.path("position").asText(null);
        if (position != null) {
            lastPosition = position;
        }
        if (!auditorId.equals(frame.path("data").path("auditor").asText(null))) {
            return; // another auditor's canary, or someone else's event on the channel
        }
        checker.received(edge, channel, frame.path("id").asText(""), position, receivedNanos);
    }

    /** Stops for good: no more reconnects, the socket aborted. */
    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        metrics.connected(edge, false);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }

    /** One socket's listener: assembles text frames, hands them on, and reconnects once when the socket drops. */
    private final class Session implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean dropped = new AtomicBoolean();

        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText(subscribeFrame(), true).whenComplete((sent, error) -> {
                if (error != null) {
                    ws.abort();
                    dropped("cannot subscribe: " + rootMessage(error));
                }
            });
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    handle(JSON.readTree(text));
                } catch (IOException | RuntimeException e) {
                    metrics.subscribeError();
                    errors.warn("auditor could not take a frame from edge {}: {} (frame: {})", edge, e.toString(),
                            text.length() <= 200 ? text : text.substring(0, 200) + "...");
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            dropped("closed by the edge with " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            dropped(rootMessage(error));
        }

        /** The socket is gone: reconnects, once per socket. */
        void dropped(String why) {
            if (!dropped.compareAndSet(false, true) || closed) {
                return;
            }
            metrics.connected(edge, false);
            errors.warn("auditor's WebSocket to edge {} dropped ({}); connecting again", edge, why);
            reconnectLater();
        }
    }
}
