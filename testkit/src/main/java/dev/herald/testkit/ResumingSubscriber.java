package dev.herald.testkit;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subscriber as a well-behaved client is written: it follows {@code channels}, remembers the
 * position of the last event of each (or, before any, the position its first {@code subscribed}
 * answer gave), and each time it {@linkplain #connect connects} again, to any edge, it resumes every
 * channel from there with {@code since}. Each connection is recorded in the ledger as
 * {@code <name>#<n>}, all under the subscriber's name.
 *
 * <p>Thread-safe: frames arrive on the client's thread while the test drops and reconnects.
 */
public final class ResumingSubscriber implements AutoCloseable {

    private final String name;
    private final List<String> channels;
    private final DeliveryLedger ledger;
    private final HttpClient http;
    private final Map<String, String> lastPosition = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger notRecovered = new AtomicInteger();
    private volatile WsTestClient current;
    private volatile RecordingFrames currentFrames;

    /** A subscriber named {@code name} (unique in the ledger) of {@code channels}, connecting over {@code http}. */
    public ResumingSubscriber(String name, List<String> channels, DeliveryLedger ledger, HttpClient http) {
        this.name = Objects.requireNonNull(name, "name");
        this.channels = List.copyOf(channels);
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * Opens a new connection to {@code webSocketUrl} and subscribes each channel, resuming from its
     * last position if it has one. The connection before, if any, is dropped first. Fails as
     * {@link WsTestClient.Builder#connect()} does when the edge does not answer.
     */
    public synchronized void connect(String webSocketUrl) {
        drop();
        String connection = name + "#" + connections.incrementAndGet();
        RecordingFrames frames = new RecordingFrames(new ReceiptRecorder(ledger, name, connection));
        WsTestClient client = WsTestClient.builder(webSocketUrl).over(http).onFrames(frames).connect();
        current = client;
        currentFrames = frames;
        for (String channel : channels) {
            String since = lastPosition.get(channel);
            frames.sent(channel, since);
            client.subscribe(channel, since);
        }
    }

    /** Drops the current connection at once, as a lost network would; the next {@link #connect} resumes. */
    public synchronized void drop() {
        WsTestClient c = current;
        current = null;
        if (c != null) {
            c.close();
        }
    }

    /** Whether the current connection is open (false before the first connect, after a drop, or once the edge ended it). */
    public boolean connected() {
        WsTestClient c = current;
        return c != null && !c.closeCode().isDone();
    }

    /** Whether the current connection is open and has had a {@code subscribed} answer for every channel. */
    public boolean subscribed() {
        RecordingFrames frames = currentFrames;
        return connected() && frames != null && frames.answered.containsAll(channels);
    }

    /** How the current connection ended: the close code the edge sent, or -1 when it broke; pending while it is open. */
    public CompletableFuture<Integer> closeCode() {
        WsTestClient c = current;
        if (c == null) {
            throw new IllegalStateException(name + " has no connection");
        }
        return c.closeCode();
    }

    /** How many {@code subscribed} answers said {@code recovered: false}: resumes the edge could not make whole. */
    public int notRecovered() {
        return notRecovered.get();
    }

    /** How many connections it has opened. */
    public int connections() {
        return connections.get();
    }

    /** The subscriber's name in the ledger. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        drop();
    }

    /** Keeps the last position of each channel, and records into the ledger. */
    private final class RecordingFrames implements Consumer<JsonNode> {

        private final ReceiptRecorder recorder;
        private final Set<String> answered = ConcurrentHashMap.newKeySet();

        RecordingFrames(ReceiptRecorder recorder) {
            this.recorder = recorder;
        }

        void sent(String channel, String since) {
            var op = Json.MAPPER.createObjectNode().put("op", "subscribe").put("channel", channel);
            if (since != null) {
                op.put("since", since);
            }
            recorder.onSent(op);
        }

        @Override
        public void accept(JsonNode frame) {
            recorder.onFrame(frame);
            String op = frame.path("op").asText();
            String channel = frame.path("channel").asText();
            if ("event".equals(op) && frame.hasNonNull("position")) {
                lastPosition.put(channel, frame.get("position").asText());
            } else if ("subscribed".equals(op) && frame.hasNonNull("position")) {
                answered.add(channel);
                if (!frame.path("recovered").asBoolean(true)) {
                    notRecovered.incrementAndGet();
                }
                lastPosition.putIfAbsent(channel, frame.get("position").asText());
            }
        }
    }
}
