package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.LogUtils;

/**
 * One Herald process (a broker, ingest or an edge) in a container of {@link HeraldImage}, on host
 * networking (its ports are loopback ports of this machine), and the faults a test does to it
 * from outside, as an operator's tools would: {@code docker kill} (SIGKILL), starting the same
 * container again (its files kept, as after a crash and a restart), {@code docker pause} and
 * {@code unpause}, and commands run inside it.
 *
 * <p>Its output goes to {@code <logDir>/<name>.log}, kept across restarts, to read when a
 * suite fails. {@link #close()} removes the container. Not thread-safe: one test drives it.
 */
public final class ContainerNode implements AutoCloseable {

    /** How a node tells that it is ready; polled until it answers {@code true} or the start times out. */
    @FunctionalInterface
    public interface Readiness {
        boolean ready(ContainerNode node) throws Exception;
    }

    private final String name;
    private final GenericContainer<?> container;
    private final Readiness readiness;
    private final Duration startTimeout;
    private final Path log;

    /**
     * A node not started yet.
     *
     * @param name      unique among the suite's containers (and the container's name, prefixed)
     * @param logDir    where its output goes
     * @param command   the launcher's command and options, e.g. {@code edge --set ...}
     * @param env       environment ({@code HERALD_*} settings, {@code JAVA_TOOL_OPTIONS})
     * @param tmpfs     size-limited in-memory mounts, path to options (e.g. {@code size=64m})
     * @param readiness when it is ready
     */
    ContainerNode(String image, String name, Path logDir, List<String> command, Map<String, String> env, Map<String, String> tmpfs,
                  Readiness readiness, Duration startTimeout) {
        this.name = name;
        this.readiness = readiness;
        this.startTimeout = startTimeout;
        this.log = logDir.resolve(name + ".log").toAbsolutePath();
        this.container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withCommand(command.toArray(String[]::new))
                .withEnv(env)
                .withTmpFs(tmpfs)
                .withCreateContainerCmdModifier(cmd -> cmd.withName("herald-itests-" + name + "-" + ProcessHandle.current().pid()))
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy())
                .waitingFor(new PolledReadiness())
                .withLogConsumer(this::append);
    }

    /** Creates and starts the container, and waits until it is ready. */
    public void start() {
        truncateLog();
        container.start();
    }

    /** {@code docker kill}: SIGKILL to the process, the container and its files kept. */
    public void kill() {
        docker().killContainerCmd(container.getContainerId()).exec();
        awaitStopped();
    }

    /** {@code docker stop}: SIGTERM, then SIGKILL after {@code grace}; the container and its files kept. */
    public void stop(Duration grace) {
        docker().stopContainerCmd(container.getContainerId()).withTimeout((int) grace.toSeconds()).exec();
        awaitStopped();
    }

    /** Starts the killed (or stopped) container again, its files as they were, and waits until it is ready. */
    public void startAgain() throws InterruptedException {
        docker().startContainerCmd(container.getContainerId()).exec();
        // the engine keeps every run's output: follow it again from the start, over the file
        truncateLog();
        LogUtils.followOutput(docker(), container.getContainerId(), this::append);
        awaitReady();
    }

    /** {@code docker pause}: every process of the container frozen (cgroup freezer), its sockets open. */
    public void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    /** {@code docker unpause}. */
    public void unpause() {
        docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    /**
     * Runs {@code command} inside the running container.
     *
     * @throws AssertionError when it exits with a status other than 0
     */
    public String exec(String... command) throws IOException, InterruptedException {
        Container.ExecResult result = container.execInContainer(command);
        if (result.getExitCode() != 0) {
            throw new AssertionError(name + ": " + String.join(" ", command) + " exited " + result.getExitCode() + ": "
                    + result.getStderr() + result.getStdout());
        }
        return result.getStdout();
    }

    /** Whether the container's process runs (and is not paused). */
    public boolean running() {
        var state = docker().inspectContainerCmd(container.getContainerId()).exec().getState();
        return Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
    }

    public String name() {
        return name;
    }

    /** Where its output goes. */
    public Path log() {
        return log;
    }

    /** Waits, polling its readiness, until it is ready or {@code startTimeout} passed. */
    public void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (readiness.ready(this)) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not ready within " + startTimeout + (last != null ? " (last: " + last + ")" : "")
                + "; its output is in " + log, last);
    }

    @Override
    public void close() {
        try {
            if (container.getContainerId() != null) {
                var state = docker().inspectContainerCmd(container.getContainerId()).exec().getState();
                if (Boolean.TRUE.equals(state.getPaused())) {
                    unpause();
                }
            }
        } catch (RuntimeException ignored) {
            // already gone: stop() below has nothing to do either
        }
        container.stop();
    }

    private void truncateLog() {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStopped() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Boolean.TRUE.equals(docker().inspectContainerCmd(container.getContainerId()).exec().getState().getRunning())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " still running 30 s after docker kill");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private void append(OutputFrame frame) {
        try {
            Files.writeString(log, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // a log line lost is not a test failure
        }
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    /** Testcontainers' wait: this node's own readiness, polled (no mapped ports on host networking). */
    private final class PolledReadiness extends AbstractWaitStrategy {

        @Override
        protected void waitUntilReady() {
            try {
                awaitReady();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while " + name + " started", e);
            }
        }
    }
}
