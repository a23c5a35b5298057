package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReliabilityCommandTest {

    @TempDir
    Path dir;

    private static final String LEADER = """
            {"order":1,"fault":"leader-kill","title":"Partition leader's broker killed","what":"docker kill of node 3.",
             "finishedAt":"2026-12-01T12:00:00Z","acknowledged":2100,"failed":4,"unknown":0,"receipts":42000,"subscribers":20,
             "lost":0,"duplicates":0,"outOfOrder":0,"recoveryMs":9683,"recoveryWhat":"until every subscriber had everything",
             "publishP99Ms":191.4,"machine":"2 CPUs, Linux 6.1, Java 17.0.15","passed":true}
            """;

    private static final String STORM = """
            {"order":7,"fault":"reconnect-storm","title":"Reconnect storm","what":"10,000 dropped at once.",
             "finishedAt":"2026-12-01T12:10:00Z","acknowledged":250,"failed":0,"unknown":0,"receipts":2500000,"subscribers":10000,
             "lost":3,"duplicates":0,"outOfOrder":0,"recoveryMs":null,"recoveryWhat":"until every subscriber had everything",
             "publishP99Ms":12.0,"machine":"2 CPUs, Linux 6.1, Java 17.0.15","passed":false}
            """;

    @Test
    void writesOneRowPerFaultInTheirOrderAndFailsWhenOneFailed() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("reconnect-storm.json"), STORM);
        Files.writeString(results.resolve("leader-kill.json"), LEADER);
        Path out = dir.resolve("docs/reliability.md");

        int exit = new CommandLine(new ReliabilityCommand()).execute("--results", results.toString(), "--out", out.toString());

        assertThat(exit).isEqualTo(1);
        String md = Files.readString(out);
        assertThat(md).contains("**1 of 2 faults passed**");
        assertThat(md).contains("| 1 | Partition leader's broker killed | 2,100 | 0 | 0 | 0 | 9.7 s (until every subscriber had everything) | 191.4 ms | pass |");
        assertThat(md).contains("| 7 | Reconnect storm | 250 | 3 | 0 | 0 | **did not recover** | 12.0 ms | **fail** |");
        assertThat(md.indexOf("| 1 |")).isLessThan(md.indexOf("| 7 |"));
        assertThat(md).contains("The suites ran on: 2 CPUs, Linux 6.1, Java 17.0.15.");
    }

    @Test
    void noResultsIsAClearErrorAndWritesNothing() {
        Path out = dir.resolve("reliability.md");

        int exit = new CommandLine(new ReliabilityCommand()).execute("--results", dir.resolve("none").toString(), "--out", out.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out).doesNotExist();
    }
}
