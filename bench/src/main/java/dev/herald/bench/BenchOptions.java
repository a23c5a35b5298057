package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every benchmark command shares (a picocli mixin): which Kafka it measures on, where its
 * report goes, and the run's description for that report.
 */
final class BenchOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the report as this benchmark's section of FILE, e.g. docs/benchmarks.md.")
    private Path out;

    @Option(names = "--bootstrap-servers", paramLabel = "S",
            description = "Use this Kafka cluster instead of starting an embedded broker in a temporary folder.")
    private String bootstrapServers;

    /** The run's Kafka: an embedded broker, or the cluster of {@code --bootstrap-servers}. */
    BenchBroker openBroker() {
        BenchBroker kafka = bootstrapServers == null ? BenchBroker.embedded() : BenchBroker.external(bootstrapServers);
        progress("Kafka at %s", kafka.bootstrapServers());
        return kafka;
    }

    /** What a benchmark measures on the run's Kafka; {@code runId} tells its topics from other runs'. */
    interface Measurement<F> {
        F measure(BenchBroker kafka, String runId) throws IOException, InterruptedException;
    }

    /** A benchmark's figures, and the run that measured them (machine, start, command, Kafka). */
    record Measured<F>(BenchRun run, F figures) {
    }

    /**
     * Opens the run's Kafka ({@link #openBroker}), takes {@code measurement} on it under a new run
     * id, and closes it again.
     */
    <F> Measured<F> measureOnKafka(Measurement<F> measurement) throws IOException, InterruptedException {
        MachineInfo machine = MachineInfo.collect();
        Instant date = Instant.now();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        try (BenchBroker kafka = openBroker()) {
            F figures = measurement.measure(kafka, runId);
            return new Measured<>(run(machine, date, kafka), figures);
        }
    }

    /** This run on this machine, started at {@code date}, measured on {@code kafka}. */
    BenchRun run(MachineInfo machine, Instant date, BenchBroker kafka) {
        return new BenchRun(machine, date, BenchMain.commandLine(command), AppInfoParser.getVersion(), kafka.description());
    }

    /** This run on this machine, started at {@code date}, which used no Kafka ({@code why}). */
    BenchRun run(MachineInfo machine, Instant date, String why) {
        return new BenchRun(machine, date, BenchMain.commandLine(command), AppInfoParser.getVersion(), why);
    }

    /** The folder of {@code --out}'s file, if given. */
    Optional<Path> outFolder() {
        return Optional.ofNullable(out).map(f -> f.toAbsolutePath().getParent());
    }

    /** Prints the report's console form and, with {@code --out}, writes its section of that file. */
    void publish(String section, String console, String markdown) throws IOException {
        System.out.println();
        System.out.println(console);
        if (out != null) {
            BenchDocument.write(out, section, markdown);
            System.out.println("wrote the " + section + " section of " + out);
        }
    }
}
