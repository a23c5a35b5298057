package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * One WebSocket client: reads its JSON frames ({@code subscribe}, {@code unsubscribe},
 * {@code publish}), keeps its cursors, and writes through its bounded {@link OutboundQueue}.
 * A bad frame gets an {@code error} frame and the connection lives on; a client that cannot
 * keep up is closed with 4008 and resumes from its last position.
 */
public final class WsConnection extends AbstractReceiveListener implements Subscriptions.Owner, EdgeConnection {

    /** Close code for a subscriber whose queue overflowed. */
    public static final int SLOW_CONSUMER = 4008;

    private static final long CLOSE_GRACE_SECONDS = 5;

    private final WebSocketChannel channel;
    private final EdgeContext edge;
    private final OutboundQueue<byte[]> queue;
    private final Subscriptions subscriptions;
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();

    WsConnection(WebSocketChannel channel, EdgeContext edge) {
        this.channel = channel;
        this.edge = edge;
        this.subscriptions = new Subscriptions(edge, this);
        this.queue = new OutboundQueue<>(edge.maxQueuedEvents(), edge.maxQueuedBytes(), f -> f.length, new OutboundQueue.Transport<>() {
            @Override
            public void execute(Runnable task) {
                channel.getIoThread().execute(task);
            }

            @Override
            public void write(byte[] frame, Runnable written) {
                WsConnection.this.write(frame, written);
            }
        });
        edge.metrics().opened(this);
        channel.addCloseTask(ch -> closed());
    }

    /**
     * Pings the client every {@code pingMs} on the connection's I/O thread until it closes, and
     * drops it once nothing (no frame, no pong) was heard from it for {@code idleMs}. Liveness is
     * judged by what the client sends, not by socket traffic, since the pings themselves are
     * traffic.
     */
    void keepAlive(long pingMs, long idleMs) {
        XnioExecutor.Key key = channel.getIoThread().executeAtInterval(() -> {
            if (!channel.isOpen()) {
                return;
            }
            if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(idleMs)) {
                edge.metrics().idleClosed();
                IoUtils.safeClose(channel);
            } else {
                WebSockets.sendPing(ByteBuffer.allocate(0), channel, null);
            }
        }, pingMs, TimeUnit.MILLISECONDS);
        channel.addCloseTask(ch -> key.remove());
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
        lastHeardNanos = System.nanoTime();
        message.getData().free();
    }

    @Override
    public String protocol() {
        return "ws";
    }

    @Override
    public long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public void goAway() {
        closeWith(EdgeComponents.GOING_AWAY, "edge shutting down: reconnect and resume");
    }

    @Override
    public void subscribed(String channel, long offset, byte[] frame) {
        send(frame);
    }

    @Override
    public void event(String channel, long offset, byte[] frame) {
        if (send(frame)) {
            edge.metrics().delivered();
        }
    }

    @Override
    public void error(Object ref, String code, String message) {
        send(Frames.error(ref, code, message));
    }

    @Override
    public void tooSlow() {
        closeSlow();
    }

    /** Queues a frame; {@code false} if it was not queued (the connection is closed, or now closing as too slow). */
    private boolean send(byte[] frame) {
        switch (queue.offer(frame)) {
            case QUEUED:
                return true;
            case FULL:
                closeSlow();
                return false;
            default:
                return false;
        }
    }

    @Override
    protected long getMaxTextBufferSize() {
        return edge.maxFrameBytes();
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
        lastHeardNanos = System.nanoTime();
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(message.getData());
        } catch (IOException e) {
            error(null, "invalid-frame", "frame is not JSON");
            return;
        }
        if (frame == null || !frame.isObject()) {
            error(null, "invalid-frame", "frame is not a JSON object");
            return;
        }
        Object ref = frame.has("ref") ? refOf(frame.get("ref")) : null;
        String op = frame.path("op").asText("");
        switch (op) {
            case "subscribe" -> subscribe(ref, frame);
            case "unsubscribe" -> subscriptions.unsubscribe(ref, frame.path("channel").asText(""));
            case "publish" -> error(ref, "ephemeral-unavailable", "this edge has no ephemeral lane yet");
            default -> error(ref, "invalid-frame", "unknown op '" + op + "'; known: subscribe, unsubscribe, publish");
        }
    }

    private void subscribe(Object ref, JsonNode frame) {
        String name = frame.path("channel").asText(null);
        Position since = null;
        JsonNode sinceNode = frame.get("since");
        if (sinceNode != null && !sinceNode.isNull()) {
            try {
                since = PositionCodec.decode(sinceNode.asText());
            } catch (InvalidInputException e) {
                error(ref, "invalid-position", e.getMessage());
                return;
            }
        }
        subscriptions.subscribe(ref, name, since);
    }

    private void write(byte[] frame, Runnable done) {
        WebSockets.sendText(ByteBuffer.wrap(frame), channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                done.run();
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                queue.close();
                done.run();
            }
        });
    }

    private void closeSlow() {
        if (closed) {
            return;
        }
        edge.metrics().slowConsumerClosed();
        closeWith(SLOW_CONSUMER, "slow consumer: reconnect and resume from your last position");
    }

    /**
     * Sends a close frame with {@code code} and drops whatever is still queued. A client that
     * does not complete the close handshake within {@value #CLOSE_GRACE_SECONDS} s (one that has
     * stopped reading cannot even see the close frame) has its connection dropped.
     */
    public void closeWith(int code, String reason) {
        queue.close();
        subscriptions.clear();
        channel.getIoThread().execute(() -> WebSockets.sendClose(code, reason, channel, null));
        channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    private void closed() {
        closed = true;
        queue.close();
        subscriptions.clear();
        edge.metrics().closed(this);
    }

    private static Object refOf(JsonNode ref) {
        return ref.isNumber() ? ref.numberValue() : ref.asText();
    }

}
