package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.herald.bench.jmh.DatagramSigningBenchmark;
import dev.herald.bench.jmh.DedupStoreBenchmark;
import dev.herald.bench.jmh.FrameEncodingBenchmark;
import dev.herald.bench.jmh.PositionCodecBenchmark;
import dev.herald.edge.internal.SubscriptionIndexBenchmark;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The JMH suite is wired into {@code bench jmh}; no benchmark runs here. */
class JmhCommandTest {

    @Test
    void theBenchmarkListHasABenchmarkOfEachHotPath() throws IOException {
        assertThat(benchmarkClasses()).containsExactlyInAnyOrder(FrameEncodingBenchmark.class.getName(),
                PositionCodecBenchmark.class.getName(), DedupStoreBenchmark.class.getName(),
                SubscriptionIndexBenchmark.class.getName(), DatagramSigningBenchmark.class.getName());
    }

    @Test
    void defaultsFillOnlyTheOptionsNotGiven() {
        assertThat(String.join(" ", JmhCommand.withDefaults(List.of()))).isEqualTo(JmhCommand.DEFAULTS_TEXT);
        assertThat(JmhCommand.withDefaults(List.of("-f", "2", "-r", "500ms", "-rf", "json", "FrameEncoding")))
                .containsExactly("-wi", "3", "-w", "2s", "-i", "5", "-foe", "true", "-f", "2", "-r", "500ms", "-rf", "json", "FrameEncoding");
    }

    @Test
    void argumentsJmhCannotParseArePassedOnForJmhToReport() {
        assertThat(JmhCommand.withDefaults(List.of("-f", "many"))).containsExactly("-f", "many");
    }

    @Test
    void everyArgumentAfterJmhReachesJmhInOrder() {
        CommandLine.ParseResult parsed = new CommandLine(new BenchMain()).parseArgs("jmh", "-h", "-f", "1", "Dedup.*lookup");
        JmhCommand jmh = (JmhCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(jmh.jmhArgs()).containsExactly("-h", "-f", "1", "Dedup.*lookup");
    }

    /** The classes named in JMH's list of benchmarks on the class path, as the jar carries it. */
    private static Set<String> benchmarkClasses() throws IOException {
        try (InputStream list = JmhCommandTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(list).as("META-INF/BenchmarkList on the class path").isNotNull();
            // each line: JMH S <length> <benchmark class> S <length> <generated class> ...
            return new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8)).lines()
                    .map(line -> line.split(" ")[3]).collect(Collectors.toSet());
        }
    }
}
