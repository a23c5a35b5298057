package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** bench history's report: the section's title, the run, both measurements with their p99, and what was published meanwhile. */
class HistoryBenchReportTest {

    private static final long MS = 1_000_000;
    private static final HistoryBenchSettings SETTINGS = new HistoryBenchSettings(64_000, 1_000, 200, 4, 100, 5, 60, 300, 30, 6);
    private static final BenchRun RUN = new BenchRun(new MachineInfo(2, "a CPU", 24L << 30, "17", "Linux"), Instant.EPOCH,
            "bench history", "4.1.1", "one embedded broker");

    @Test
    void theSectionGivesEachMeasurementsPercentilesAndThePublishingBesideIt() {
        HistoryBenchReport report = new HistoryBenchReport(RUN, SETTINGS, new HistoryBenchReport.Figures(1_000,
                new HistoryBenchCommand.Phase<>(new HistoryBenchCommand.PagesResult(latency(98, 2 * MS, 2, 40 * MS), 9_950, 1),
                        posts(12_000)),
                31_000, new HistoryBenchCommand.Phase<>(new HistoryBenchCommand.ResumesResult(latency(98, 5 * MS, 2, 90 * MS), 0), null),
                9_000, new InterferenceLog()));

        String markdown = report.markdown();
        assertThat(markdown).startsWith("## History and resume by time: `./herald bench history`")
                .contains("| Command | `bench history` |")
                .contains("| History page, `limit=100` (9,950 events in all) | 100 | 1 | 2.00 ms | **40.01 ms** |")
                .contains("| Time-based resume, subscribe → first event | 100 | 0 | 5.00 ms | **90.05 ms** |")
                .contains("12,000 events accepted").contains("the publishers failed")
                .doesNotContain("disturbed run");
        assertThat(report.console()).contains("| History page");
    }

    /** {@code n} values of {@code at} ns and {@code slow} values of {@code slowAt} ns. */
    private static LatencySummary latency(int n, long at, int slow, long slowAt) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(at, n);
        h.recordValueWithCount(slowAt, slow);
        return LatencySummary.of(h);
    }

    private static SinglePublishLoad.Result posts(long created) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(3 * MS, created);
        return new SinglePublishLoad.Result(created, created, 0, 0, 60.0, LatencySummary.of(h), h);
    }
}
