package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} launcher: one entry point for every Herald process. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "herald 0.1.0",
        description = "Durable real-time fanout on Apache Kafka.",
        subcommands = {DevCommand.class, IngestCommand.class, EdgeCommand.class, StreamsCommand.class, BrokerCommand.class, AuditCommand.class,
                TokenCommand.class, LagCommand.class, TailCommand.class, ReplayCommand.class, ConfigDocsCommand.class})
public final class HeraldCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with Herald's error handling: bad settings, bad input to a command
     * ({@link dev.herald.schemas.InvalidInputException}) and a state a command cannot work in (an
     * unreachable cluster, say: {@link IllegalStateException}) print one clear line, exit 2.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HeraldCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof dev.herald.schemas.InvalidInputException) {
                line.getErr().println("herald " + line.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            Throwable root = e;
            while (root.getCause() != null && !(root instanceof org.apache.kafka.common.config.ConfigException)) {
                root = root.getCause();
            }
            if (root instanceof org.apache.kafka.common.config.ConfigException || e instanceof IllegalStateException) {
                line.getErr().println("herald: " + (root instanceof org.apache.kafka.common.config.ConfigException ? root : e).getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
