package dev.herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A peer's server ({@code bench/peers/*.js}) in a child process: started with its command line,
 * ready once it prints {@code READY <port>} on stdout, stopped by closing its stdin (then killed
 * if it has not exited within {@link #STOP_TIMEOUT}). Its stderr goes to a temporary file, shown
 * when it fails to start. Not thread-safe.
 */
final class PeerProcess implements AutoCloseable {

    private static final String READY = "READY ";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final int port;

    private PeerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code command} in {@code directory} and waits for its {@code READY <port>} line.
     *
     * @throws IllegalStateException if it does not say so in time, with the tail of its log
     */
    static PeerProcess start(Path directory, List<String> command) {
        try {
            Path log = Files.createTempFile("herald-bench-peer", ".log");
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectError(log.toFile()).start();
            CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> readyPort(process));
            try {
                return new PeerProcess(process, log, ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not print '" + READY + "<port>' within "
                        + START_TIMEOUT.toSeconds() + " s (" + e + "); its log:\n" + ChildProcesses.logTail(log));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + command.get(0), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    private static int readyPort(Process process) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(READY)) {
                    return Integer.parseInt(line.substring(READY.length()).trim());
                }
            }
            throw new IllegalStateException("exited with " + process.waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, ChildProcesses.Ask.CLOSE_STDIN, STOP_TIMEOUT, log);
    }
}
