package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class in a child JVM on this JVM's class path and collects its output.
 *
 * <p>Kafka's command-line tools end with {@code System.exit}, so they cannot run in the
 * benchmark's own JVM. The child uses the same {@code java} binary and class path (the shaded
 * bench jar when started with {@code java -jar}), an English locale (so that decimal numbers
 * print with a dot) and a fixed heap. Its stdout and stderr are merged into one temporary file,
 * which is read when the child ends and then deleted.
 */
final class ChildJvm {

    private static final String HEAP = "-Xmx1g";

    private ChildJvm() {
    }

    /** What a child printed and how it ended. */
    record Outcome(int exitCode, String output, Duration elapsed) {

        /** The output, or a short failure message with its tail when the exit code is not 0. */
        String requireSuccess(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " exited with " + exitCode + "; its last output:\n" + tail(output, 40));
            }
            return output;
        }
    }

    /**
     * Runs {@code mainClass} with {@code args} and waits for it.
     *
     * @param timeout the child is killed when it runs longer, and this method then fails
     * @throws IllegalStateException if the child cannot start or is killed for its timeout
     */
    static Outcome run(String mainClass, List<String> args, Duration timeout) {
        List<String> command = command(HEAP, mainClass);
        command.addAll(args);
        Path log = null;
        try {
            log = Files.createTempFile("herald-bench-child", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long start = System.nanoTime();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(simpleName(mainClass) + " did not finish within " + timeout.toSeconds()
                        + " s; its last output:\n" + tail(Files.readString(log, StandardCharsets.UTF_8), 20));
            }
            return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mainClass + " in a child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + mainClass, e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /**
     * The command line that runs {@code mainClass} in a new JVM: this JVM's {@code java} and class
     * path, {@code heap} (e.g. {@code -Xmx1g}), an English locale; arguments go after it.
     */
    static List<String> command(String heap, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.add("-Duser.language=en");
        command.add("-Duser.country=US");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /** The last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
