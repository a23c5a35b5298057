package dev.herald.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway Redis for the Socket.IO peer's adapter: Debian's {@code redis-server} as a child
 * process on 127.0.0.1 and a free port, without persistence; ready once it answers {@code PING}.
 * Closing ends it with SIGTERM (SIGKILL if it lingers). Not thread-safe.
 */
final class RedisServer implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 15_000;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final int port;

    private RedisServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static RedisServer start() {
        int port = freePort();
        List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no");
        try {
            Path log = Files.createTempFile("herald-bench-redis", ".log");
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start redis-server (install the peers with `bash bench/peers/install.sh`): "
                        + e.getMessage(), e);
            }
            RedisServer redis = new RedisServer(process, log, port);
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (!redis.answersPing()) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    redis.close();
                    throw new IllegalStateException("redis-server did not answer PING on port " + port + " within "
                            + START_TIMEOUT_MS + " ms");
                }
                Thread.sleep(50);
            }
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
    }

    /** {@code redis://127.0.0.1:<port>} */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1_000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, ChildProcesses.Ask.TERMINATE, STOP_TIMEOUT, log);
    }
}
