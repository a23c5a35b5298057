package dev.herald.edge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.xnio.IoUtils;

/**
 * One WebSocket client: reads its JSON frames ({@code subscribe}, {@code unsubscribe},
 * {@code publish}), keeps its cursors, and writes through its bounded {@link OutboundQueue}.
 * A bad frame gets an {@code error} frame and the connection lives on; a client that cannot
 * keep up is closed with 4008 and resumes from its last position.
 */
public final class WsConnection extends AbstractReceiveListener implements Subscriber {

    /** Close code for a subscriber whose queue overflowed. */
    public static final int SLOW_CONSUMER = 4008;

    private static final long CLOSE_GRACE_SECONDS = 5;

    private final WebSocketChannel channel;
    private final EdgeContext edge;
    private final OutboundQueue queue;
    private final Map<String, ChannelCursor> cursors = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WsConnection(WebSocketChannel channel, EdgeContext edge) {
        this.channel = channel;
        this.edge = edge;
        this.queue = new OutboundQueue(edge.maxQueuedEvents(), edge.maxQueuedBytes(), new OutboundQueue.Transport() {
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

    long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public void send(byte[] frame) {
        switch (queue.offer(frame)) {
            case QUEUED -> edge.metrics().delivered();
            case FULL -> closeSlow();
            case CLOSED -> { }
        }
    }

    @Override
    protected long getMaxTextBufferSize() {
        return edge.maxFrameBytes();
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(message.getData());
        } catch (IOException e) {
            send(Frames.error(null, "invalid-frame", "frame is not JSON"));
            return;
        }
        if (frame == null || !frame.isObject()) {
            send(Frames.error(null, "invalid-frame", "frame is not a JSON object"));
            return;
        }
        Object ref = frame.has("ref") ? refOf(frame.get("ref")) : null;
        String op = frame.path("op").asText("");
        switch (op) {
            case "subscribe" -> subscribe(ref, frame);
            case "unsubscribe" -> unsubscribe(ref, frame);
            case "publish" -> send(Frames.error(ref, "ephemeral-unavailable", "this edge has no ephemeral lane yet"));
            default -> send(Frames.error(ref, "invalid-frame", "unknown op '" + op + "'; known: subscribe, unsubscribe, publish"));
        }
    }

    private void subscribe(Object ref, JsonNode frame) {
        String name = frame.path("channel").asText(null);
        String violation = ChannelName.violation(name);
        if (violation != null) {
            send(Frames.error(ref, "invalid-channel", violation));
            return;
        }
        Position since = null;
        JsonNode sinceNode = frame.get("since");
        if (sinceNode != null && !sinceNode.isNull()) {
            try {
                since = PositionCodec.decode(sinceNode.asText());
            } catch (InvalidInputException e) {
                send(Frames.error(ref, "invalid-position", e.getMessage()));
                return;
            }
        }
        if (cursors.containsKey(name)) {
            send(Frames.error(ref, "already-subscribed", "already subscribed to " + name));
            return;
        }
        if (cursors.size() >= edge.maxSubscriptions()) {
            send(Frames.error(ref, "too-many-subscriptions", "a connection may follow at most " + edge.maxSubscriptions() + " channels"));
            return;
        }
        FanoutConsumer consumer = edge.consumer();
        int partition = consumer.partitionOf(name);
        ChannelCursor cursor = new ChannelCursor(name, partition, this, edge.maxQueuedEvents());
        cursors.put(name, cursor);
        edge.index().add(cursor);
        long head = consumer.nextOffset(partition) - 1;
        String now = PositionCodec.encode(new Position(consumer.epoch(), partition, Math.max(-1, head)));
        Position resumeFrom = since;
        if (resumeFrom == null) {
            finish(cursor, Frames.subscribed(ref, name, now, true, null), head, List.of());
        } else if (!resumeFrom.epoch().equals(consumer.epoch())) {
            edge.metrics().resumed(false);
            finish(cursor, Frames.subscribed(ref, name, now, false, "epoch-mismatch"), head, List.of());
        } else if (resumeFrom.partition() != partition) {
            edge.metrics().resumed(false);
            send(Frames.error(ref, "invalid-position", "position belongs to another channel's partition"));
            edge.index().remove(cursor);
            cursors.remove(name);
        } else {
            edge.resumeWorkers().execute(() -> {
                ResumeReader.Missed missed;
                try {
                    missed = edge.resumeReader().read(name, partition, resumeFrom.offset());
                } catch (RuntimeException e) {
                    missed = new ResumeReader.Missed(List.of(), "history-unavailable");
                }
                boolean recovered = missed.reason() == null;
                edge.metrics().resumed(recovered);
                byte[] subscribed = Frames.subscribed(ref, name, now, recovered, missed.reason());
                finish(cursor, subscribed, recovered ? resumeFrom.offset() : head, missed.frames());
            });
        }
    }

    private void finish(ChannelCursor cursor, byte[] subscribed, long afterOffset, List<dev.herald.fanout.StoredFrame> missed) {
        if (!cursor.finishReplay(subscribed, afterOffset, missed)) {
            closeSlow();
        }
    }

    private void unsubscribe(Object ref, JsonNode frame) {
        String name = frame.path("channel").asText("");
        ChannelCursor cursor = cursors.remove(name);
        if (cursor == null) {
            send(Frames.error(ref, "not-subscribed", "not subscribed to '" + name + "'"));
            return;
        }
        edge.index().remove(cursor);
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
        unsubscribeAll();
        channel.getIoThread().execute(() -> WebSockets.sendClose(code, reason, channel, null));
        channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    private void closed() {
        closed = true;
        queue.close();
        unsubscribeAll();
        edge.metrics().closed(this);
    }

    private void unsubscribeAll() {
        for (ChannelCursor c : cursors.values()) {
            edge.index().remove(c);
        }
        cursors.clear();
    }

    private static Object refOf(JsonNode ref) {
        return ref.isNumber() ? ref.numberValue() : ref.asText();
    }

}
