package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer a user might pick instead of Herald, as a scenario target: the plain {@code ws}
 * broadcast server (one Node process; it has no way to share a channel between processes), or
 * Socket.IO with its Redis Streams adapter ({@code servers} Node processes sharing one Redis, each
 * publish going through Redis to every process). The servers live in {@code bench/peers}
 * ({@code bash bench/peers/install.sh} installs them) and listen on 127.0.0.1. Neither resumes
 * from Herald's positions, and neither closes slow subscribers, so those parts of a scenario do
 * not apply. Closing stops the processes (and Redis). Not thread-safe.
 */
final class PeerServers implements ScenarioTarget {

    private final String name;
    private final WsDialect dialect;
    private final List<PeerProcess> processes = new ArrayList<>();
    private RedisServer redis;

    private PeerServers(String name, WsDialect dialect) {
        this.name = name;
        this.dialect = dialect;
    }

    /** The names {@link #named} knows. */
    static final List<String> NAMES = List.of("ws", "socket.io");

    /**
     * The peer called {@code name} with {@code servers} server processes.
     *
     * @throws IllegalArgumentException for an unknown name, or several {@code ws} servers (it
     *                                  cannot share a channel between processes)
     */
    static PeerServers named(String name, Path peers, int servers) {
        return switch (name) {
            case "ws" -> {
                if (servers != 1) {
                    throw new IllegalArgumentException("ws runs one process (it cannot share a channel between processes), not "
                            + servers);
                }
                yield ws(peers);
            }
            case "socket.io" -> socketIo(peers, servers);
            default -> throw new IllegalArgumentException("no peer called " + name + "; peers: " + String.join(", ", NAMES));
        };
    }

    /** The plain {@code ws} broadcast server. */
    static PeerServers ws(Path peers) {
        PeerServers p = new PeerServers("ws", WsDialect.WS_PEER);
        p.start(peers, List.of("node", "ws-server.js", "--port", "0"));
        return p;
    }

    /** {@code servers} Socket.IO processes joined by the Redis Streams adapter on a Redis of their own. */
    static PeerServers socketIo(Path peers, int servers) {
        PeerServers p = new PeerServers("socket.io", SocketIoDialect.INSTANCE);
        try {
            p.redis = RedisServer.start();
            for (int i = 0; i < servers; i++) {
                p.start(peers, List.of("node", "socketio-server.js", "--port", "0", "--redis", p.redis.url()));
            }
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void start(Path peers, List<String> command) {
        if (!Files.isDirectory(peers.resolve("node_modules"))) {
            throw new IllegalStateException("the peers are not installed in " + peers.toAbsolutePath()
                    + ": run `bash bench/peers/install.sh` first");
        }
        PeerProcess process = PeerProcess.start(peers, command);
        processes.add(process);
        progress("%s server %d (pid %d) at ws://127.0.0.1:%d%s", name, processes.size() - 1, process.handle().pid(),
                process.port(), dialect.path());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String publishUrl() {
        return "http://127.0.0.1:" + processes.get(0).port();
    }

    @Override
    public int servers() {
        return processes.size();
    }

    @Override
    public InetSocketAddress serverAddress(int i) {
        return new InetSocketAddress("127.0.0.1", processes.get(i).port());
    }

    @Override
    public WsDialect dialect() {
        return dialect;
    }

    @Override
    public boolean resumes() {
        return false;
    }

    @Override
    public long slowConsumerCloses() {
        return 0;
    }

    @Override
    public void crashAndRestart(int i, long downMillis) {
        throw new UnsupportedOperationException(name + " keeps no log to resume from; restart applies to Herald only");
    }

    @Override
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>(processes.stream().map(PeerProcess::handle).toList());
        if (redis != null) {
            all.add(redis.handle());
        }
        return all;
    }

    @Override
    public void close() {
        for (PeerProcess p : processes) {
            p.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
