package dev.herald.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A system a scenario drives: Herald ({@link HeraldCluster}) or a peer a user might pick instead
 * ({@link PeerServers}). Publishers POST {@code /v1/channels/<channel>/events} to
 * {@link #publishUrl} and expect {@code 201}; subscribers speak {@link #dialect} to one of its
 * {@link #servers} WebSocket servers. Closing stops what the target started.
 */
interface ScenarioTarget extends AutoCloseable {

    /** A short name for reports, e.g. {@code herald}, {@code ws}, {@code socket.io}. */
    String name();

    String publishUrl();

    /** WebSocket servers subscribers spread over. */
    int servers();

    InetSocketAddress serverAddress(int i);

    WsDialect dialect();

    /** Whether subscribers can resume from positions ({@code since}). */
    boolean resumes();

    /** Connections the servers closed as too slow so far, or 0 where the target has no such notion. */
    long slowConsumerCloses() throws IOException, InterruptedException;

    /**
     * Kills server {@code i} with SIGKILL and starts it again on the same port and data, waiting
     * {@code downMillis} between.
     *
     * @throws UnsupportedOperationException where the target cannot
     */
    void crashAndRestart(int i, long downMillis) throws InterruptedException;

    /** The processes the target started (servers, and Redis for Socket.IO), for CPU accounting. */
    List<ProcessHandle> processes();

    @Override
    void close();
}
