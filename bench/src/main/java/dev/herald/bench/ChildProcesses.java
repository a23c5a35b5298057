package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How the benchmark stops the servers it starts as child processes, and shows their logs. */
final class ChildProcesses {

    private static final long KILL_WAIT_SECONDS = 10;

    private ChildProcesses() {
    }

    /** How a child is asked to stop before it is killed. */
    enum Ask {
        /** Close its stdin, on which it shuts down. */
        CLOSE_STDIN,
        /** SIGTERM. */
        TERMINATE
    }

    /**
     * Asks {@code process} to stop, waits up to {@code timeout}, kills it (SIGKILL) if it is still
     * there, and deletes its {@code log}.
     */
    static void stop(Process process, Ask ask, Duration timeout, Path log) {
        try {
            if (ask == Ask.CLOSE_STDIN) {
                process.getOutputStream().close();
            } else {
                process.destroy();
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** The last 30 lines of a child's {@code log}, for an error message. */
    static String logTail(Path log) {
        try {
            return ChildJvm.tail(Files.readString(log, StandardCharsets.UTF_8), 30);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
