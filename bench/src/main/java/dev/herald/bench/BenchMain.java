package dev.herald.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Herald's benchmark launcher, {@code ./herald bench <command>} or
 * {@code java -jar bench/target/herald-bench.jar <command>}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Herald benchmarks, with Kafka's own tools measured beside them.",
        subcommands = {IngestBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /** Without a subcommand: print the usage and fail. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. 'ingest'");
    }
}
