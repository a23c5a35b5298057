package dev.herald.bench;

import java.nio.ByteBuffer;

/**
 * What a server speaks over its WebSocket, as far as a subscriber of the load needs: where to
 * upgrade, how to subscribe, when a new socket may send its subscribes, and which text frames
 * carry events. Herald's edge and the plain {@code ws} peer need nothing between the upgrade and
 * the subscribes; Socket.IO has its own handshake and heartbeat inside the WebSocket.
 * Implementations are stateless and thread-safe.
 */
interface WsDialect {

    /** One socket, as its dialect acts on it; used on the socket's thread only. */
    interface Socket {
        /** Sends a text frame. */
        void send(String frame);

        /** Sends the socket's subscribes. */
        void subscribe();

        /** Hands an event or answer frame (or the part of one that matters) to the load's listener. */
        void deliver(ByteBuffer frame);
    }

    /** The path and query of the upgrade request. */
    String path();

    /** The frame that subscribes to {@code channel}, from {@code since} if it is not {@code null}. */
    String subscribe(String channel, String since);

    /** The socket is upgraded. */
    void opened(Socket socket);

    /** The server sent {@code frame}, a whole text frame. */
    void text(Socket socket, ByteBuffer frame);

    /** Herald's edge: JSON frames as the architecture gives them. */
    WsDialect HERALD = new Plain("/v1/ws", true);

    /**
     * The plain {@code ws} peer ({@code bench/peers/ws-server.js}): Herald's subscribe and event
     * frames without positions; {@code since} is not understood, so it is never sent.
     */
    WsDialect WS_PEER = new Plain("/ws", false);

    /** Frames as they come: subscribes as soon as the socket is upgraded, every frame to the listener. */
    record Plain(String path, boolean resumes) implements WsDialect {
        @Override
        public String subscribe(String channel, String since) {
            return "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\""
                    + (since == null || !resumes ? "" : ",\"since\":\"" + since + "\"") + "}";
        }

        @Override
        public void opened(Socket socket) {
            socket.subscribe();
        }

        @Override
        public void text(Socket socket, ByteBuffer frame) {
            socket.deliver(frame);
        }
    }
}
