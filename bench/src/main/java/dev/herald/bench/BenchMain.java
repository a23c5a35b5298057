package dev.herald.bench;

import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Herald's benchmark launcher, {@code ./herald bench <command>} or
 * {@code java -jar bench/target/herald-bench.jar <command>}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Herald benchmarks, with Kafka's own tools measured beside them.",
        subcommands = {IngestBenchCommand.class, EdgeBenchCommand.class, EphemeralBenchCommand.class, AuthBenchCommand.class, HistoryBenchCommand.class,
            ReplayBenchCommand.class, FanoutScenario.class, ChannelsScenario.class, SeedScenario.class, ChurnScenario.class,
            RestartScenario.class, StreamsBenchCommand.class, LatestBenchCommand.class, CompareCommand.class, JmhCommand.class, ReliabilityCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

    /** Prefix of the command line in the reports; the launcher may name itself instead. */
    static final String LAUNCHER_PROPERTY = "herald.bench.launcher";
    private static final String DEFAULT_LAUNCHER = "java -jar bench/target/herald-bench.jar";

    /**
     * The JDK property that sizes the common fork-join pool, read once when the pool is first
     * used. {@code java.net.http.HttpClient.sendAsync} completes every response through
     * {@code CompletableFuture}'s default executor, and with a common pool of parallelism 1 (the
     * default on a 2-CPU machine) that executor starts a new thread for each task: a thread per
     * response, which costs the load generator more CPU than the server it measures. Two or more
     * makes it use the pool.
     */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            System.err.println("warning: the common fork-join pool has parallelism "
                    + ForkJoinPool.getCommonPoolParallelism() + "; the HTTP load generator will start a thread per response");
        }
        CommandLine commandLine = new CommandLine(new BenchMain()).setExecutionExceptionHandler(BenchMain::failed);
        System.exit(commandLine.execute(args));
    }

    /**
     * A benchmark that cannot go on (bad sizes, a broker that does not start, a tool that fails)
     * prints what went wrong; anything else prints its stack trace too.
     */
    private static int failed(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            commandLine.getErr().println("bench failed: " + e.getMessage());
            if (e.getCause() != null) {
                commandLine.getErr().println("  caused by: " + e.getCause());
            }
        } else {
            e.printStackTrace(commandLine.getErr());
        }
        return 1;
    }

    /** The command line that ran {@code spec}'s command, quoted for a POSIX shell, for a report. */
    static String commandLine(CommandLine.Model.CommandSpec spec) {
        StringBuilder line = new StringBuilder(System.getProperty(LAUNCHER_PROPERTY, DEFAULT_LAUNCHER));
        // The original arguments of the whole command line, the subcommand's name included.
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            line.append(' ').append(arg.isEmpty() || arg.matches(".*[\\s'\"$`\\\\].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return line.toString();
    }

    /** One line of progress on stdout, formatted in the root locale. */
    static void progress(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    /** Without a subcommand: print the usage and fail. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. 'ingest'");
    }
}
