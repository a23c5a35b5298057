package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench reliability}: {@code docs/reliability.md} from the fault suites' results. The suites
 * ({@code itests}, {@code *FaultTest}) each write one JSON file when they finish; this reads them
 * all and writes the report, one row per fault. It measures nothing itself.
 */
@Command(name = "reliability", mixinStandardHelpOptions = true,
        description = {"Writes docs/reliability.md from the fault suites' results (one JSON file per fault, written by",
                "itests' *FaultTest suites into itests/target/reliability when they run)."})
final class ReliabilityCommand implements Callable<Integer> {

    @Option(names = "--results", defaultValue = "itests/target/reliability", paramLabel = "DIR",
            description = "Where the suites wrote their results (default: ${DEFAULT-VALUE}).")
    private Path results;

    @Option(names = "--out", defaultValue = "docs/reliability.md", paramLabel = "FILE",
            description = "The report to write (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(results)) {
            System.err.println("bench reliability: no results in " + results + ": run the fault suites first (see docs/reliability.md)");
            return 2;
        }
        List<FaultResult> faults = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                faults.add(FaultResult.read(file));
            }
        }
        if (faults.isEmpty()) {
            System.err.println("bench reliability: " + results + " holds no result (*.json): run the fault suites first");
            return 2;
        }
        faults.sort(Comparator.comparingInt(FaultResult::order).thenComparing(FaultResult::fault));
        String markdown = new ReliabilityReport(faults, MachineInfo.collect()).markdown();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " from " + faults.size() + " fault results in " + results);
        return faults.stream().allMatch(FaultResult::passed) ? 0 : 1;
    }
}
