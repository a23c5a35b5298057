package dev.herald.bench;

import java.nio.ByteBuffer;

/**
 * Socket.IO 4 (Engine.IO protocol 4, Socket.IO protocol 5) spoken raw over a WebSocket, as the
 * Socket.IO peer ({@code bench/peers/socketio-server.js}) serves it:
 * <ul>
 *   <li>the server opens with {@code 0{...}}; the socket answers {@code 40} (join the main
 *       namespace) and waits for {@code 40{...}} before it subscribes, as the server drops
 *       events sent to a namespace before it has joined it;</li>
 *   <li>a subscribe is the event {@code 42["subscribe","<channel>"]}, answered with
 *       {@code 42["subscribed",{"op":"subscribed","channel":"<channel>"}]};</li>
 *   <li>events come as {@code 42["event",{"channel":...,"data":...},"<offset>"]} (the offset is
 *       connection-state recovery's); the listener gets the frame from the object on;</li>
 *   <li>the server's heartbeat {@code 2} is answered with {@code 3}.</li>
 * </ul>
 * Resuming is Socket.IO's own business (its session id and offset), which this load does not
 * use, so {@code since} is never sent.
 */
final class SocketIoDialect implements WsDialect {

    static final SocketIoDialect INSTANCE = new SocketIoDialect();

    private SocketIoDialect() {
    }

    @Override
    public String path() {
        return "/socket.io/?EIO=4&transport=websocket";
    }

    @Override
    public String subscribe(String channel, String since) {
        return "42[\"subscribe\",\"" + channel + "\"]";
    }

    @Override
    public void opened(WsDialect.Socket socket) {
        // the server speaks first: its open packet
    }

    @Override
    public void text(WsDialect.Socket socket, ByteBuffer frame) {
        if (frame.remaining() == 0) {
            return;
        }
        byte type = frame.get(frame.position());
        byte second = frame.remaining() > 1 ? frame.get(frame.position() + 1) : 0;
        switch (type) {
            case '0' -> socket.send("40"); // Engine.IO open: join the main namespace
            case '2' -> socket.send("3"); // Engine.IO ping
            case '4' -> {
                if (second == '0') {
                    socket.subscribe(); // joined the namespace
                } else if (second == '2') {
                    deliverArgument(socket, frame);
                }
            }
            default -> { }
        }
    }

    /** Hands the frame from its first argument after the event name on: {@code 42["name",<here>...]}. */
    private static void deliverArgument(WsDialect.Socket socket, ByteBuffer frame) {
        for (int i = frame.position(); i < frame.limit(); i++) {
            if (frame.get(i) == ',') {
                ByteBuffer rest = frame.duplicate();
                rest.position(i + 1);
                socket.deliver(rest.slice());
                return;
            }
        }
    }
}
