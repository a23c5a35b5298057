package dev.herald.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;

import picocli.CommandLine;

/**
 * One run of the launcher's command line in this JVM ({@link HeraldCommand#commandLine()}, with
 * its error handling), its standard output and error captured.
 *
 * @param exitCode what the process would exit with
 * @param out      what it printed to standard output
 * @param err      what it printed to standard error
 */
record LauncherRun(int exitCode, String out, String err) {

    /** Runs {@code args}. */
    static LauncherRun of(String... args) {
        return of(line -> { }, args);
    }

    /** Runs {@code args} after {@code setUp} has seen the command line (to give a subcommand a clock, say). */
    static LauncherRun of(Consumer<CommandLine> setUp, String... args) {
        CommandLine line = HeraldCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        setUp.accept(line);
        int code = line.execute(args);
        return new LauncherRun(code, out.toString(), err.toString());
    }

    /** The lines of standard output. */
    java.util.List<String> lines() {
        return out.isEmpty() ? java.util.List.of() : java.util.List.of(out.split("\n"));
    }
}
