package dev.herald.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code herald} image the container suites run: {@code docker/Dockerfile.herald} with the
 * {@code herald.jar} this build made, so the containers run the code under test, never an image
 * left from an older build. Built once per test JVM ({@code docker build}, a few seconds once the
 * base image's layers are cached), on {@code HERALD_BASE_IMAGE} when set, else on
 * {@value #OFFLINE_BASE_IMAGE} when the engine has it ({@code docker/base-image.sh}
 * makes it without a registry), else on the Dockerfile's default public JRE image.
 */
public final class HeraldImage {

    /** The tag the suites run; not the compose file's {@code herald:dev}, which a user may have built. */
    public static final String TAG = "herald:itests";
    /** The base image {@code docker/base-image.sh} makes without a registry. */
    public static final String OFFLINE_BASE_IMAGE = "herald-jre:17";

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static volatile boolean built;

    private HeraldImage() {
    }

    /**
     * Builds {@link #TAG} unless this JVM already did.
     *
     * @throws AssertionError when the jar is missing or the build fails, with its output
     */
    public static synchronized String ensureBuilt() throws InterruptedException {
        if (built) {
            return TAG;
        }
        Path dockerfile = Path.of(System.getProperty("herald.dockerfile", "../docker/Dockerfile.herald")).toAbsolutePath().normalize();
        Path root = dockerfile.getParent().getParent();
        if (!Files.isRegularFile(root.resolve("cli/target/herald.jar"))) {
            throw new AssertionError("no cli/target/herald.jar under " + root + ": build it first (mvn -B verify builds it before itests)");
        }
        List<String> command = new ArrayList<>(List.of("docker", "build", "-q", "-f", dockerfile.toString(), "-t", TAG));
        String base = baseImage();
        if (base != null) {
            command.addAll(List.of("--build-arg", "BASE_IMAGE=" + base));
        }
        command.add(root.toString());
        // the classic builder: BuildKit would want its own image, and no registry is reachable here
        ExternalCommand.Result result = ExternalCommand.run(command, Map.of("DOCKER_BUILDKIT", "0"), root, BUILD_TIMEOUT);
        if (!result.ok()) {
            throw new AssertionError("docker build of " + TAG + " failed (" + result.exitCode() + "):\n" + result.output());
        }
        built = true;
        return TAG;
    }

    private static String baseImage() throws InterruptedException {
        String set = System.getenv("HERALD_BASE_IMAGE");
        if (set != null && !set.isBlank()) {
            return set;
        }
        boolean offline = ExternalCommand.run(Duration.ofSeconds(30), "docker", "image", "inspect", OFFLINE_BASE_IMAGE).ok();
        return offline ? OFFLINE_BASE_IMAGE : null;
    }
}
