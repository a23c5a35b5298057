package dev.herald.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run's figures come from.
 *
 * @param cpus        processors available to the JVM (what {@code nproc} prints)
 * @param cpuModel    the CPU's model name, or {@code "unknown"}
 * @param memoryBytes total physical memory
 * @param javaVersion the output of {@code java -version} for the JVM running the benchmark, one line
 * @param os          the operating system: distribution (when known), kernel and architecture
 */
record MachineInfo(int cpus, String cpuModel, long memoryBytes, String javaVersion, String os) {

    /** Reads the facts of this machine and JVM. */
    static MachineInfo collect() {
        long memory = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getTotalMemorySize();
        String distribution = osReleaseName().map(name -> name + ", ").orElse("");
        String os = distribution + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readCpuModel().orElse("unknown"), memory,
                readJavaVersion(), os);
    }

    /** Memory in GiB, one decimal. */
    String memoryGiB() {
        return String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024));
    }

    private static String readJavaVersion() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (process.waitFor(30, TimeUnit.SECONDS) && !out.isBlank()) {
                return String.join("; ", out.strip().lines().map(String::strip).toList());
            }
        } catch (IOException e) {
            // fall back to the system properties below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    private static Optional<String> readCpuModel() {
        return firstValue(Path.of("/proc/cpuinfo"), "model name", ':');
    }

    private static Optional<String> osReleaseName() {
        return firstValue(Path.of("/etc/os-release"), "PRETTY_NAME", '=').map(v -> v.replace("\"", ""));
    }

    private static Optional<String> firstValue(Path file, String key, char separator) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                int sep = line.indexOf(separator);
                if (sep > 0 && line.substring(0, sep).strip().equals(key)) {
                    return Optional.of(line.substring(sep + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux, or not readable: the fact is simply unknown
        }
        return Optional.empty();
    }
}
