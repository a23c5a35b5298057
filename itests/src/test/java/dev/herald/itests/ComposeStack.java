package dev.herald.itests;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.ExternalCommand;
import dev.herald.testkit.HeraldImage;
import dev.herald.testkit.HeraldProcess;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stack of {@code docker/compose.yaml} (broker, ingest, two edges) as one Compose project,
 * driven through the Compose command line a user has: the {@code docker compose} plugin (v2)
 * when it is installed, else Debian's {@code docker-compose} (v1.29). Both read the same file.
 *
 * <p>The images are built from the Dockerfiles and {@code cli/target/herald.jar} on the base
 * image {@code HERALD_BASE_IMAGE} when the environment sets it, else {@value #OFFLINE_BASE_IMAGE}
 * when the engine has it ({@code docker/base-image.sh} makes it without a registry), else the
 * Dockerfiles' default public JRE image. Everything runs with host networking on fixed loopback
 * ports; {@link #close()} removes the project's containers and volumes, and nothing else.
 */
final class ComposeStack implements AutoCloseable {

    /** The compose file under test; the system property {@code herald.compose.file} points elsewhere. */
    static final Path FILE = Path.of(System.getProperty("herald.compose.file", "../docker/compose.yaml")).toAbsolutePath().normalize();
    /** The base image {@code docker/base-image.sh} makes. */
    static final String OFFLINE_BASE_IMAGE = HeraldImage.OFFLINE_BASE_IMAGE;

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static volatile List<String> tool;

    private final List<String> compose;
    private final Map<String, String> env;

    private ComposeStack(List<String> compose, Map<String, String> env) {
        this.compose = compose;
        this.env = env;
    }

    /**
     * Runs a test class only where a Docker engine answers and a Compose command is installed.
     * Where either is missing it fails the class in CI ({@code CI=true}), whose {@code .ci/run}
     * installs and starts them so that the container tests always run there, and skips it on a
     * developer's machine, saying what is missing.
     */
    static final class Available implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing;
            try {
                missing = unavailableReason();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing = "interrupted while asking the Docker engine";
            }
            return DockerEngine.runOrSkip(missing, "a Docker engine and a Compose command are available");
        }
    }

    /** Why the stack cannot run here, or {@code null} when it can. */
    static String unavailableReason() throws InterruptedException {
        String engine = DockerEngine.unavailableReason();
        if (engine != null) {
            return engine;
        }
        if (composeTool() == null) {
            return "neither the `docker compose` plugin nor `docker-compose` is installed (apt-get install docker-compose)";
        }
        return null;
    }

    /** {@code docker compose} (v2) if it works, else {@code docker-compose} (v1) if it works, else {@code null}. */
    private static List<String> composeTool() throws InterruptedException {
        if (tool == null) {
            if (ExternalCommand.run(QUICK, "docker", "compose", "version").ok()) {
                tool = List.of("docker", "compose");
            } else if (ExternalCommand.run(QUICK, "docker-compose", "version").ok()) {
                tool = List.of("docker-compose");
            }
        }
        return tool;
    }

    /**
     * The project {@code project} of {@link #FILE}, with any containers and volumes an earlier,
     * interrupted run of the same project left removed. Starts nothing yet.
     */
    static ComposeStack project(String project) throws InterruptedException {
        List<String> tool = composeTool();
        if (tool == null) {
            throw new AssertionError(unavailableReason());
        }
        HeraldProcess.jar(); // the images are built from it: fail now, naming the missing jar
        List<String> compose = new ArrayList<>(tool);
        compose.addAll(List.of("--ansi", "never", "-p", project, "-f", FILE.toString()));
        Map<String, String> env = new HashMap<>();
        if (System.getenv("HERALD_BASE_IMAGE") == null
                && ExternalCommand.run(QUICK, "docker", "image", "inspect", OFFLINE_BASE_IMAGE).ok()) {
            env.put("HERALD_BASE_IMAGE", OFFLINE_BASE_IMAGE);
        }
        // the lane's secret stays unset: the stack under test is the file's default, not the caller's
        env.put("HERALD_EPHEMERAL_SECRET", null);
        ComposeStack stack = new ComposeStack(List.copyOf(compose), env);
        stack.down();
        return stack;
    }

    /** The base image the build uses: the one set or found, or {@code null} for the Dockerfiles' default. */
    String baseImage() {
        String set = System.getenv("HERALD_BASE_IMAGE");
        return set != null ? set : env.get("HERALD_BASE_IMAGE");
    }

    /** Builds the project's images. */
    void build(Duration timeout) throws InterruptedException {
        check(compose("build"), timeout, "build the images");
    }

    /** Creates and starts the services in the background; returns once each service's dependencies are healthy and it is started. */
    void up(Duration timeout) throws InterruptedException {
        check(compose("up", "-d"), timeout, "start the services");
    }

    /**
     * Waits until each of {@code services} reports its healthcheck {@code healthy}.
     *
     * @throws AssertionError at once when one has exited or reports {@code unhealthy}, and after
     *                        {@code timeout} otherwise; either names the service and holds the logs
     */
    void awaitHealthy(Duration timeout, String... services) {
        for (String service : services) {
            await("service " + service + " healthy").atMost(timeout).pollInterval(Duration.ofSeconds(1))
                    .until(() -> isHealthy(service));
        }
    }

    private boolean isHealthy(String service) throws InterruptedException {
        ExternalCommand.Result id = ExternalCommand.run(compose("ps", "-q", service), env, FILE.getParent(), QUICK);
        String container = id.output().strip();
        if (!id.ok() || container.isEmpty()) {
            return false;
        }
        ExternalCommand.Result state = ExternalCommand.run(QUICK, "docker", "inspect", "--format",
                "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}", container);
        String status = state.output().strip();
        if (status.startsWith("exited") || status.startsWith("dead") || status.endsWith("unhealthy")) {
            throw new AssertionError("service " + service + " is " + status + "; logs:\n" + logs());
        }
        return state.ok() && status.equals("running healthy");
    }

    /** The last lines each service wrote, for a failure message. */
    String logs() {
        try {
            return ExternalCommand.run(compose("logs", "--no-color", "--tail", "200"), env, FILE.getParent(), QUICK).output();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while reading the logs)";
        }
    }

    /** Stops and removes the project's containers and its named volumes. */
    @Override
    public void close() {
        try {
            down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while removing compose project " + compose, e);
        }
    }

    private void down() throws InterruptedException {
        check(compose("down", "-v", "--timeout", "30"), Duration.ofMinutes(2), "remove the project");
    }

    private List<String> compose(String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of(args));
        return command;
    }

    private void check(List<String> command, Duration timeout, String what) throws InterruptedException {
        ExternalCommand.Result result = ExternalCommand.run(command, env, FILE.getParent(), timeout);
        if (!result.ok()) {
            throw new AssertionError("could not " + what + ": " + String.join(" ", command) + " exited with " + result.exitCode()
                    + "; output:\n" + result.output());
        }
    }
}
