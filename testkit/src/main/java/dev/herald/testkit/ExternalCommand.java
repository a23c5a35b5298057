package dev.herald.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool ({@code docker}, {@code docker-compose}) run to completion with a deadline,
 * its standard output and error merged. The output goes to a temporary file rather than a pipe, so
 * that no thread has to drain it and a chatty tool (an image build) can never block on a full pipe.
 */
public final class ExternalCommand {

    /**
     * What a finished command left.
     *
     * @param exitCode its exit status
     * @param output   its standard output and error, interleaved as written
     */
    public record Result(int exitCode, String output) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private ExternalCommand() {
    }

    /**
     * Runs {@code command} in {@code dir} with the current environment plus {@code env} (a
     * {@code null} value removes that variable), and waits for it.
     *
     * @return its result; a command that does not exist answers exit code 127, as a shell would
     * @throws AssertionError when it runs longer than {@code timeout} (it is killed first)
     */
    public static Result run(List<String> command, Map<String, String> env, Path dir, Duration timeout) throws InterruptedException {
        Path log = null;
        try {
            log = Files.createTempFile("herald-command-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            env.forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return new Result(127, String.join(" ", command) + ": " + e.getMessage());
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; output:\n"
                        + read(log));
            }
            return new Result(process.exitValue(), read(log));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans /tmp
                }
            }
        }
    }

    /** The file's text; bytes that are not UTF-8 become U+FFFD rather than an exception. */
    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    /** Runs {@code command} in the current directory with the current environment. */
    public static Result run(Duration timeout, String... command) throws InterruptedException {
        return run(List.of(command), Map.of(), Path.of("."), timeout);
    }
}
