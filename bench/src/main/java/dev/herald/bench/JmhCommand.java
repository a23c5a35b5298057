package dev.herald.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.openjdk.jmh.Main;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench jmh}: the JMH micro-benchmarks of Herald's hot paths (package
 * {@code dev.herald.bench.jmh}), run by JMH's own command line. Every argument goes to JMH as it
 * is: {@code -h} lists JMH's options, a regular expression picks benchmarks, {@code -rf json -rff F}
 * writes the results. Each option of a run's length that is not given takes the default here,
 * chosen so that the whole suite takes about five minutes on two cores: one fork, three warm-up
 * and five measured iterations of two seconds each; and the run stops at the first benchmark
 * that fails, with exit code 1.
 */
@Command(name = "jmh",
        description = {"Runs the JMH micro-benchmarks of the hot paths (frame encoding, position codec, dedup store, "
                + "subscription index, datagram signing). Every argument goes to JMH: '-h' lists its options, "
                + "a regexp picks benchmarks. Defaults: " + JmhCommand.DEFAULTS_TEXT + "."})
final class JmhCommand implements Callable<Integer> {

    static final String DEFAULTS_TEXT = "-f 1 -wi 3 -w 2s -i 5 -r 2s -foe true";

    /** One option of the run's length, its default, and how to tell whether a command line gives it. */
    private record Default(String option, String value, Function<CommandLineOptions, Optional<?>> given) {
    }

    private static final List<Default> DEFAULTS = List.of(
            new Default("-f", "1", CommandLineOptions::getForkCount),
            new Default("-wi", "3", CommandLineOptions::getWarmupIterations),
            new Default("-w", "2s", CommandLineOptions::getWarmupTime),
            new Default("-i", "5", CommandLineOptions::getMeasurementIterations),
            new Default("-r", "2s", CommandLineOptions::getMeasurementTime),
            new Default("-foe", "true", CommandLineOptions::shouldFailOnError));

    @Unmatched
    private List<String> jmhArgs = new ArrayList<>();

    /** The arguments for JMH, as given. */
    List<String> jmhArgs() {
        return jmhArgs;
    }

    /** Runs JMH, which exits with 1 itself on a bad option or a failed benchmark. */
    @Override
    public Integer call() throws Exception {
        Main.main(withDefaults(jmhArgs).toArray(String[]::new));
        return 0;
    }

    /**
     * {@code args} preceded by the default of each option of {@link #DEFAULTS_TEXT} that it does
     * not give; {@code args} alone if JMH cannot parse them (JMH then says why).
     */
    static List<String> withDefaults(List<String> args) {
        CommandLineOptions given;
        try {
            given = new CommandLineOptions(args.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            return args;
        }
        List<String> all = new ArrayList<>();
        for (Default d : DEFAULTS) {
            if (!d.given().apply(given).hasValue()) {
                all.add(d.option());
                all.add(d.value());
            }
        }
        all.addAll(args);
        return all;
    }
}
