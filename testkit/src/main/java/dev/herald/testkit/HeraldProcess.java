package dev.herald.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code herald} launcher jar run as a child process, the way a user runs it; its output is
 * collected so a test can wait for a line and read the ports it printed. The jar is
 * {@code -Dherald.jar} (default {@code ../cli/target/herald.jar}). Faults a test can inject: a
 * crash ({@link #kill()}, SIGKILL), a drain ({@link #stop}, SIGTERM) and a stall ({@link #freeze()},
 * SIGSTOP, until {@link #thaw()}).
 */
public final class HeraldProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;

    private HeraldProcess(Process process, String readyLine) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains(readyLine)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "herald-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java -jar herald.jar args...} and waits for {@code readyLine} on its output. */
    public static HeraldProcess start(String readyLine, Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", jar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        HeraldProcess herald = new HeraldProcess(p, readyLine);
        long deadline = System.nanoTime() + timeout.toNanos();
        // a process that exits (a refused setting, say) is reported at once, not after the whole timeout
        while (!herald.ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                herald.close();
                throw new AssertionError("herald did not print '" + readyLine + "'" + (p.isAlive() ? " within " + timeout
                        : " before it exited with " + p.exitValue()) + "; output:\n" + herald.output());
            }
        }
        return herald;
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("herald.jar", "../cli/target/herald.jar")).toAbsolutePath().normalize();
        if (!jar.toFile().isFile()) {
            throw new AssertionError("no launcher jar at " + jar + "; build it with: mvn -pl cli -am package");
        }
        return jar;
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy() it keeps our end of stdout open
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("herald did not stop within " + timeout + "; output:\n" + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** Sends SIGKILL and waits for the process to be gone: a crash, with no shutdown hook run. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("herald did not die within 30 s of SIGKILL");
        }
    }

    /**
     * Freezes the process with SIGSTOP: it holds its sockets open and answers nothing, as a process
     * stalled by a long GC pause or a starved host does. {@link #thaw()} lets it go on.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@linkplain #freeze() frozen} process go on (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** The process's id. */
    public long pid() {
        return process.pid();
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("herald (pid " + process.pid() + ") is not running");
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
