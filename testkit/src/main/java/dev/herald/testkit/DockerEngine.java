package dev.herald.testkit;

import java.time.Duration;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a container suite only where a Docker engine answers {@code docker info}. Where none does,
 * the suite fails in CI ({@code CI=true}; {@code .ci/run} installs and starts one, so the suites
 * always run there) and is skipped on a developer's machine, with a message saying why.
 */
public final class DockerEngine implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing;
        try {
            missing = unavailableReason();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            missing = "interrupted while asking the Docker engine";
        }
        return runOrSkip(missing, "a Docker engine answers");
    }

    /** Why no Docker engine can be used here, or {@code null} when one answers {@code docker info}. */
    public static String unavailableReason() throws InterruptedException {
        ExternalCommand.Result info = ExternalCommand.run(Duration.ofSeconds(30), "docker", "info", "--format", "{{.ServerVersion}}");
        return info.ok() ? null : "no Docker engine answers `docker info` ("
                + info.output().strip().lines().findFirst().orElse("no output")
                + "); install docker.io and, as root, start dockerd --bridge=none --iptables=false (.ci/run does)";
    }

    /**
     * The rule every container test follows: runs when nothing is {@code missing}; otherwise fails
     * in CI ({@code CI=true}) and is skipped elsewhere, saying what is missing.
     */
    public static ConditionEvaluationResult runOrSkip(String missing, String available) {
        if (missing == null) {
            return ConditionEvaluationResult.enabled(available);
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionFailedError("CI runs the container tests, but " + missing);
        }
        return ConditionEvaluationResult.disabled("container test skipped on this machine: " + missing);
    }
}
