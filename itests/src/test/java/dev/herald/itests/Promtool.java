package dev.herald.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.herald.testkit.ExternalCommand;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Prometheus's {@code promtool} (Debian's {@code prometheus} package), at {@code /usr/bin/promtool}
 * or the system property {@code herald.promtool}.
 */
final class Promtool {

    static final Path PROMTOOL = Path.of(System.getProperty("herald.promtool", "/usr/bin/promtool"));
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Promtool() {
    }

    /**
     * Runs a test class only where promtool is installed: where it is missing it fails the class
     * in CI ({@code CI=true}), whose {@code .ci/run} installs it, and skips it on a developer's
     * machine, saying what to install (the rule {@link HeadlessChromium.Installed} follows).
     */
    static final class Installed implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (Files.isExecutable(PROMTOOL)) {
                return ConditionEvaluationResult.enabled("promtool is installed");
            }
            String what = "no executable " + PROMTOOL + "; install it with: apt-get install prometheus";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionFailedError("CI runs the promtool checks, but there is " + what + " (.ci/run installs it when it is missing)");
            }
            return ConditionEvaluationResult.disabled("promtool checks skipped on this machine: " + what);
        }
    }

    /** {@code promtool args...}, in {@code dir}. */
    static ExternalCommand.Result run(Path dir, String... args) throws InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, Map.of(), dir, TIMEOUT);
    }

    /** {@code promtool check metrics} of the exposition in {@code file} (given on its standard input). */
    static ExternalCommand.Result checkMetrics(Path file) throws InterruptedException {
        return ExternalCommand.run(List.of("bash", "-c", "exec \"$0\" check metrics < \"$1\"", PROMTOOL.toString(), file.toString()),
                Map.of(), file.getParent(), TIMEOUT);
    }
}
