package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Many WebSocket subscribers on a few threads, each thread one NIO selector: about the least a
 * client can do per frame, so that a benchmark measures the edge and not a client library (the
 * JDK's WebSocket client spends more CPU per frame than the edge does).
 *
 * <p>Each connection does the HTTP upgrade (with its bearer token, if it has one), sends its first
 * text frames (its subscribes), then reads the server's frames and hands each complete text frame
 * to the {@link Listener} with the time it was read. Connections may go to different servers ({@link #open(int, long, IntFunction)}).
 * A connection number names a subscriber rather than one socket: {@link #drop} ends its socket as
 * a client that vanishes would, and {@link #connect} gives it a new one (to any server), whose
 * first frames are asked for anew (e.g. subscribes that resume from the last positions seen).
 * Pings are answered with pongs, so the edge does not take a connection for dead. It does
 * not check {@code Sec-WebSocket-Accept}, and expects unfragmented server frames (the edge sends
 * each message as one frame). Traffic goes only to the address given, which benchmarks keep on
 * loopback.
 */
final class WsLoad implements AutoCloseable {

    /**
     * Receives every text frame, and hears of each socket's start and end. Called on the load's
     * threads, a connection number always on the same thread; must be quick and thread-safe.
     */
    interface Listener {
        void onText(int connection, ByteBuffer payload, long receivedNanos);

        /** A new socket of {@code connection} is upgraded; called before its first frames are asked for. */
        default void onOpen(int connection) {
        }

        /**
         * The socket of {@code connection} ended without being asked to: the server closed it, or
         * it failed (also a connect that was refused). Not called for {@link #drop} or {@link #close}.
         */
        default void onEnded(int connection) {
        }
    }

    /**
     * Per connection, so it bounds the client's memory at 10,000 connections (160 MiB); a server
     * frame must fit in it, which benchmark payloads of a few KiB do.
     */
    private static final int READ_BUFFER = 16 * 1024;

    private final InetSocketAddress edge;
    private final WsDialect dialect;
    private final IntFunction<List<String>> firstFrames;
    private final IntFunction<String> tokens;
    private final Listener listener;
    private final List<Loop> loops = new ArrayList<>();
    /** Connections whose first socket is upgraded. */
    private final AtomicInteger upgraded = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final LongAdder bytesRead = new LongAdder();

    /**
     * @param edge        where {@link #open(int, long)} connects
     * @param dialect     what the server speaks (Herald, or a peer)
     * @param firstFrames the subscribes of connection {@code i}, sent once the dialect says the socket is ready
     */
    WsLoad(InetSocketAddress edge, WsDialect dialect, int threads, IntFunction<List<String>> firstFrames, Listener listener)
            throws IOException {
        this(edge, dialect, threads, firstFrames, id -> null, listener);
    }

    /**
     * Like {@link #WsLoad(InetSocketAddress, WsDialect, int, IntFunction, Listener)}, each upgrade
     * request of connection {@code i} carrying {@code Authorization: Bearer <tokens.apply(i)>}
     * (none where that is {@code null}). The tokens are asked for on the load's threads, so they
     * should be made beforehand.
     */
    WsLoad(InetSocketAddress edge, WsDialect dialect, int threads, IntFunction<List<String>> firstFrames,
           IntFunction<String> tokens, Listener listener) throws IOException {
        this.edge = edge;
        this.dialect = dialect;
        this.firstFrames = firstFrames;
        this.tokens = tokens;
        this.listener = listener;
        for (int t = 0; t < threads; t++) {
            Loop loop = new Loop(Selector.open());
            loops.add(loop);
            Thread thread = new Thread(loop, "ws-load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Opens {@code count} more connections, numbered on from those opened before, and waits up to
     * {@code timeoutMs} until all are upgraded.
     *
     * @return how many connections are upgraded in all
     */
    int open(int count, long timeoutMs) throws IOException, InterruptedException {
        return open(count, timeoutMs, id -> edge);
    }

    /**
     * Like {@link #open(int, long)}, connection {@code id} to {@code targetOf.apply(id)}.
     *
     * @return how many connections are upgraded in all
     */
    int open(int count, long timeoutMs, IntFunction<InetSocketAddress> targetOf) throws IOException, InterruptedException {
        int first = connections();
        for (int i = 0; i < count; i++) {
            int id = first + i;
            loopOf(id).opened++;
            connect(id, targetOf.apply(id));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (upgraded.get() < first + count && System.nanoTime() < deadline) {
            Thread.sleep(1); // finely: bench auth times the opening
        }
        return upgraded.get();
    }

    /** Connections opened so far. */
    int connections() {
        return loops.stream().mapToInt(l -> l.opened).sum();
    }

    /**
     * Gives connection {@code id} (one {@link #open} numbered) a new socket to {@code target},
     * ending the one it has, if any, as {@link #drop} does. Returns at once; the socket connects
     * and upgrades on the connection's thread, and if it fails the listener hears
     * {@link Listener#onEnded}.
     */
    void connect(int id, InetSocketAddress target) {
        loopOf(id).act(loop -> loop.connect(id, target));
    }

    /**
     * Ends connection {@code id}'s socket from the client's side without a closing handshake, as
     * a device that loses its network does; the listener hears nothing of it. Returns at once.
     */
    void drop(int id) {
        loopOf(id).act(loop -> loop.drop(id));
    }

    /** Bytes read from the servers after the upgrades, frame headers included: what the servers wrote to the load. */
    long bytesRead() {
        return bytesRead.sum();
    }

    /** Sockets that ended without being asked to (closed by the server, or failed). */
    int closed() {
        return closed.get();
    }

    @Override
    public void close() {
        for (Loop l : loops) {
            l.stop();
        }
    }

    /** One socket's state; touched only by its loop's thread. */
    private final class Conn implements WsDialect.Socket {
        final int id;
        final boolean first;
        final SocketChannel channel;
        final InetSocketAddress target;
        final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);
        ByteBuffer out;
        boolean open;
        SelectionKey key;
        /** When the frame the dialect is looking at was read. */
        long now;
        /** A write failure inside a dialect's call, thrown once it returns. */
        IOException failure;

        Conn(int id, boolean first, SocketChannel channel, InetSocketAddress target) {
            this.id = id;
            this.first = first;
            this.channel = channel;
            this.target = target;
        }

        @Override
        public void send(String frame) {
            if (failure == null) {
                try {
                    loopOf(id).write(key, this, clientFrame(0x1, frame.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    failure = e;
                }
            }
        }

        @Override
        public void subscribe() {
            for (String frame : firstFrames.apply(id)) {
                send(frame);
            }
        }

        @Override
        public void deliver(ByteBuffer frame) {
            listener.onText(id, frame, now);
        }

        void rethrow() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }

    private Loop loopOf(int id) {
        return loops.get(id % loops.size());
    }

    /** A selector and the connections it serves. */
    private final class Loop implements Runnable {
        private final Selector selector;
        private final Queue<Consumer<Loop>> actions = new ConcurrentLinkedQueue<>();
        /** Each connection's current socket, by connection number. */
        private final Map<Integer, SelectionKey> current = new HashMap<>();
        private volatile boolean running = true;
        /** Written only by the thread that calls {@link WsLoad#open}. */
        private volatile int opened;

        Loop(Selector selector) {
            this.selector = selector;
        }

        /** Runs {@code action} on this loop's thread, soon. */
        void act(Consumer<Loop> action) {
            actions.add(action);
            selector.wakeup();
        }

        private void connect(int id, InetSocketAddress target) {
            boolean first = !current.containsKey(id);
            drop(id);
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(id, first, ch, target);
                SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                current.put(id, key);
                if (ch.connect(target)) {
                    sendUpgrade(key, c);
                }
            } catch (IOException e) {
                closed.incrementAndGet();
                listener.onEnded(id);
            }
        }

        private void drop(int id) {
            SelectionKey key = current.get(id);
            if (key != null && key.isValid()) {
                key.cancel();
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // it is going anyway
                }
            }
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    // select with an action: no selected-key set to fill and clear on every turn
                    selector.select(key -> {
                        Conn c = (Conn) key.attachment();
                        try {
                            handle(key, c);
                        } catch (IOException | RuntimeException e) {
                            end(key, c);
                        }
                    }, 100);
                    for (Consumer<Loop> action; (action = actions.poll()) != null; ) {
                        action.accept(this);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        private void handle(SelectionKey key, Conn c) throws IOException {
            if (key.isConnectable()) {
                c.channel.finishConnect();
                sendUpgrade(key, c);
                return;
            }
            if (key.isWritable()) {
                write(key, c, c.out);
            }
            if (key.isReadable()) {
                int n = c.channel.read(c.in);
                if (n < 0) {
                    end(key, c);
                    return;
                }
                if (c.open) {
                    bytesRead.add(n);
                }
                c.in.flip();
                if (!c.open && !upgrade(key, c)) {
                    c.in.compact();
                    return;
                }
                frames(key, c);
                c.in.compact();
            }
        }

        private void sendUpgrade(SelectionKey key, Conn c) throws IOException {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String token = tokens.apply(c.id);
            String request = "GET " + dialect.path() + " HTTP/1.1\r\nHost: " + c.target.getHostString() + ":" + c.target.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            write(key, c, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        /** Reads the upgrade answer; true once it is complete and the first frame is sent. */
        private boolean upgrade(SelectionKey key, Conn c) throws IOException {
            ByteBuffer in = c.in;
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    byte[] head = new byte[i - in.position()];
                    in.get(head);
                    in.position(i + 4);
                    if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
                        throw new IOException("upgrade refused: " + new String(head, StandardCharsets.US_ASCII));
                    }
                    c.open = true;
                    if (c.first) {
                        upgraded.incrementAndGet();
                    }
                    bytesRead.add(in.remaining()); // frames that came with the upgrade answer
                    listener.onOpen(c.id);
                    c.key = key;
                    dialect.opened(c);
                    c.rethrow();
                    return true;
                }
            }
            return false;
        }

        private void frames(SelectionKey key, Conn c) throws IOException {
            ByteBuffer in = c.in;
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = in.get(start) & 0xFF;
                int b1 = in.get(start + 1) & 0x7F;
                int header = 2;
                long length = b1;
                if (b1 == 126) {
                    if (in.remaining() < 4) {
                        return;
                    }
                    length = in.getShort(start + 2) & 0xFFFF;
                    header = 4;
                } else if (b1 == 127) {
                    if (in.remaining() < 10) {
                        return;
                    }
                    length = in.getLong(start + 2);
                    header = 10;
                }
                if (header + length > in.capacity()) {
                    throw new IOException("frame of " + length + " bytes is larger than the read buffer");
                }
                if (in.remaining() < header + length) {
                    return;
                }
                int opcode = b0 & 0x0F;
                ByteBuffer payload = in.duplicate();
                payload.position(start + header).limit(start + header + (int) length);
                switch (opcode) {
                    case 0x1 -> {
                        c.now = System.nanoTime();
                        dialect.text(c, payload.slice());
                        c.rethrow();
                    }
                    case 0x8 -> {
                        end(key, c);
                        return;
                    }
                    case 0x9 -> {
                        byte[] data = new byte[(int) length];
                        payload.get(data);
                        write(key, c, clientFrame(0xA, data));
                    }
                    default -> { }
                }
                in.position(start + header + (int) length);
            }
        }

        private void write(SelectionKey key, Conn c, ByteBuffer data) throws IOException {
            if (c.out != null && c.out != data && c.out.hasRemaining()) {
                // a write is still pending: append (rare: only the first frame and pongs are written)
                ByteBuffer joined = ByteBuffer.allocate(c.out.remaining() + data.remaining());
                joined.put(c.out).put(data).flip();
                data = joined;
            }
            c.channel.write(data);
            c.out = data;
            key.interestOps(SelectionKey.OP_READ | (data.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        }

        private void end(SelectionKey key, Conn c) {
            key.cancel();
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // it is going anyway
            }
            closed.incrementAndGet();
            listener.onEnded(c.id);
        }
    }

    /** A masked client frame with {@code opcode} and {@code payload}, as RFC 6455 requires of clients. */
    static ByteBuffer clientFrame(int opcode, byte[] payload) {
        int extra = payload.length < 126 ? 0 : payload.length < 65_536 ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + extra + 4 + payload.length);
        frame.put((byte) (0x80 | opcode));
        if (extra == 0) {
            frame.put((byte) (0x80 | payload.length));
        } else if (extra == 2) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
