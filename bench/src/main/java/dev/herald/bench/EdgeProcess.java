package dev.herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Herald edge running as {@link EdgeBenchServer} in a child JVM, and the benchmark's handle on it:
 * its port, its process (for CPU accounting), and its memory on demand.
 *
 * <p>The child's stderr (its log) goes to a temporary file, shown when it fails to start. Closing
 * the handle closes the child's stdin, on which the edge shuts down; a child that does not exit
 * within {@link #STOP_TIMEOUT} is killed. Not thread-safe.
 */
final class EdgeProcess implements AutoCloseable {

    /** Heap of the edge's JVM: a fixed size, so runs compare. */
    static final String HEAP = "-Xmx1g";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Memory of the edge's JVM at one moment, bytes. */
    record Memory(long heapBytes, long residentBytes) {
    }

    private final Process process;
    private final Path log;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final int port;

    private EdgeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = process.getOutputStream();
        Thread reader = new Thread(this::readAnswers, "herald-bench-edge-stdout");
        reader.setDaemon(true);
        reader.start();
        this.port = Integer.parseInt(await(EdgeBenchServer.READY, START_TIMEOUT).trim());
    }

    /**
     * Starts an edge with {@code settings} ({@code EdgeConfig} keys) and waits until it listens.
     *
     * @throws IllegalStateException if it does not start in time, with the tail of its log
     */
    static EdgeProcess start(Map<String, String> settings) {
        List<String> command = ChildJvm.command(HEAP, EdgeBenchServer.class.getName());
        settings.forEach((k, v) -> command.add(k + "=" + v));
        try {
            Path log = Files.createTempFile("herald-bench-edge", ".log");
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            try {
                return new EdgeProcess(process, log);
            } catch (RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the edge's JVM", e);
        }
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Heap after full collections, and resident set, of the edge's JVM. */
    Memory memory() {
        String[] f = ask("memory", EdgeBenchServer.MEMORY).trim().split(" ");
        return new Memory(Long.parseLong(f[0]), Long.parseLong(f[1]));
    }

    /** Open client connections (WebSocket and SSE), as the edge counts them. */
    int connections() {
        return Integer.parseInt(ask("connections", EdgeBenchServer.CONNECTIONS).trim());
    }

    /**
     * Waits until the edge has seen every client connection go, so that the next run starts clean.
     *
     * @throws IllegalStateException if it still counts some a minute on
     */
    void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int open;
        while ((open = connections()) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edge still counts " + open + " connections a minute after the clients closed");
            }
            Thread.sleep(100);
        }
    }

    private String ask(String command, String answerPrefix) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the edge's JVM is gone: " + e.getMessage() + "; its log:\n" + logTail());
        }
        return await(answerPrefix, ANSWER_TIMEOUT);
    }

    private String await(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? answers.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new IllegalStateException("the edge did not answer '" + prefix.trim() + "' within "
                            + timeout.toSeconds() + " s (alive: " + process.isAlive() + "); its log:\n" + logTail());
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the edge", e);
        }
    }

    private void readAnswers() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = out.readLine()) != null; ) {
                answers.add(line);
            }
        } catch (IOException e) {
            // the child is gone; a waiting caller times out and shows the log
        }
    }

    private String logTail() {
        return ChildProcesses.logTail(log);
    }

    /**
     * Kills the edge's JVM with SIGKILL, as a crash would (no shutdown hook, no final commit), and
     * waits until it is gone. {@link #close} afterwards only cleans up.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the edge's JVM (pid " + process.pid() + ") outlived SIGKILL by " + STOP_TIMEOUT);
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, ChildProcesses.Ask.CLOSE_STDIN, STOP_TIMEOUT, log);
    }
}
