package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** bench auth's figures: each side pools its rounds, and each target is judged on the pooled figures. */
class AuthBenchReportTest {

    private static final int CONNECTIONS = 1_000;
    private static final long BASE_HEAP = 10L << 20;
    private static final long MS = 1_000_000;
    private static final AuthBenchSettings SETTINGS = new AuthBenchSettings(CONNECTIONS, 2, 10, 3, 100, 256, 1_000, 10, 5, 6);
    private static final BenchRun RUN = new BenchRun(new MachineInfo(2, "a CPU", 24L << 30, "17", "Linux"), Instant.EPOCH,
            "bench auth", "4.1.1", "one embedded broker");

    @Test
    void eachSidePoolsItsRoundsAndTheTargetsAreJudgedOnThePooledFigures() {
        AuthBenchReport report = report(List.of(
                round(1, false, 6_000_000, 0.5, 4, 5, posts(1_000, 0, 0)),
                round(1, true, 4_800_000, 1.0, 5, 6, posts(1_000, 30, 3 * MS)),
                round(2, true, 4_700_000, 1.0, 5, 7, posts(1_000, 0, 0)),
                round(2, false, 4_000_000, 0.5, 4, 4, posts(1_000, 0, 0))));
        AuthBenchReport.Side off = report.side(false);
        AuthBenchReport.Side on = report.side(true);

        assertThat(off.deliveriesPerSec()).isEqualTo(500_000);
        assertThat(on.deliveriesPerSec()).isEqualTo(475_000);
        assertThat(report.deliveriesRatio()).isCloseTo(0.95, within(1e-9));
        assertThat(off.deliveriesSpread()).as("600,000 and 400,000 a second, around 500,000").isCloseTo(0.4, within(1e-9));
        assertThat(on.p99SpreadMs()).isCloseTo(2.0, within(0.01));
        assertThat(off.opensPerSec()).isEqualTo(2_000);
        assertThat(on.opensPerSec()).isEqualTo(1_000);
        assertThat(on.heapKiB()).as("the largest round, after its deliveries").isCloseTo(7.0, within(1e-9));
        assertThat(report.heapTargetMet()).isTrue();
        // 30 slow POSTs of 2,000 are 1.5%: over the p99 of the side's requests together, though one round alone has none
        assertThat(on.ingestLatency().p99Ms()).isCloseTo(3.0, within(0.01));
        assertThat(report.p99DifferenceMs()).isCloseTo(2.0, within(0.01));
        assertThat(report.latencyTargetMet()).isFalse();
        assertThat(report.markdown()).contains("## Tokens: `./herald bench auth`").contains("| 2 | off, second |")
                .contains("on ≤ off + 1.00 ms: **fail**").contains("on ≤ 8.00 KiB: **pass**")
                .contains("deliveries/s lay up to 40% apart and its single-POST p99 up to 2.00 ms");
    }

    @Test
    void aMissedEventOrAnUnansweredPostMissesItsTargetWhateverTheFigures() {
        FanoutResult missing = new FanoutResult(CONNECTIONS, 1_000, 0, 999_999, 0, 1, 1.0, 1_000, none(), none());
        SinglePublishLoad.Result refused = new SinglePublishLoad.Result(1_000, 999, 1, 0, 1.0, none(), posts(999, 0, 0));
        AuthBenchReport report = report(List.of(
                round(1, false, 1_000_000, 1.0, 4, 4, posts(1_000, 0, 0)),
                new AuthRound(1, true, false, CONNECTIONS, 1.0, heap(0), heap(5), heap(5), missing, refused)));

        assertThat(report.deliveriesRatio()).isGreaterThan(0.99);
        assertThat(report.deliveriesTargetMet()).isFalse();
        assertThat(report.p99DifferenceMs()).isZero();
        assertThat(report.latencyTargetMet()).isFalse();
        assertThat(report.markdown()).contains("**Incomplete**").contains("1 missing").contains("1 single POSTs not answered 201");
    }

    private static AuthBenchReport report(List<AuthRound> rounds) {
        return new AuthBenchReport(RUN, SETTINGS, new AuthBenchReport.Figures(List.of(50_000.0), rounds, new InterferenceLog()));
    }

    /** A side's round: {@code receipts} in 10 s, opened in {@code openSeconds}, heap KiB per connection before and after. */
    private static AuthRound round(int round, boolean tokens, long receipts, double openSeconds, int idleKiB, int afterKiB,
                                   Histogram posts) {
        FanoutResult deliveries = new FanoutResult(CONNECTIONS, receipts / CONNECTIONS, 0, receipts, 0, 0, 10.0, 1_000, none(), none());
        SinglePublishLoad.Result ingest = new SinglePublishLoad.Result(posts.getTotalCount(), posts.getTotalCount(), 0, 0, 1.0,
                LatencySummary.of(posts), posts);
        return new AuthRound(round, tokens, round % 2 == (tokens ? 0 : 1), CONNECTIONS, openSeconds, heap(0), heap(idleKiB),
                heap(afterKiB), deliveries, ingest);
    }

    /** {@code count} POST latencies of 1 ms, {@code slow} of them {@code slowNs} instead. */
    private static Histogram posts(int count, int slow, long slowNs) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(MS, count - slow);
        if (slow > 0) {
            h.recordValueWithCount(slowNs, slow);
        }
        return h;
    }

    private static EdgeProcess.Memory heap(int kiBPerConnection) {
        return new EdgeProcess.Memory(BASE_HEAP + kiBPerConnection * 1024L * CONNECTIONS, -1);
    }

    private static LatencySummary none() {
        return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
}
