package dev.herald.bench;

import static dev.herald.bench.Numbers.fmt;
import static dev.herald.bench.Numbers.num;
import static dev.herald.bench.Numbers.pct;
import static dev.herald.bench.Numbers.signed;
import static dev.herald.bench.Numbers.verdict;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

/**
 * The figures of one {@code bench auth} run, tokens off beside tokens on, judged against the
 * targets, as the auth section of {@code docs/benchmarks.md} and as the console's tables.
 *
 * <p>Each side's figure pools its rounds: deliveries per second are all its receipts over all its
 * runs' seconds, the single-POST percentiles those of all its requests, the connect rate all its
 * connections over all its opening time, and the heap per connection the largest of its rounds
 * (each the larger of before and after the round's deliveries). Targets, with tokens on: at
 * least {@value #DELIVERIES_RATIO_TARGET} of the deliveries per second with tokens off; a
 * single-POST p99 at most {@value #P99_DIFFERENCE_TARGET_MS} ms above it; at most
 * {@value #HEAP_TARGET_KIB} KiB of edge heap per idle connection. The connect rate is reported
 * without a target. A side some of whose subscribers missed or repeated an event, or some of whose
 * POSTs were not answered 201, misses the target the run belongs to whatever the figures. The
 * report also gives how far one side's own rounds lie apart, which bounds what the run can tell
 * apart.
 */
final class AuthBenchReport {

    static final double DELIVERIES_RATIO_TARGET = 0.95;
    static final double P99_DIFFERENCE_TARGET_MS = 1.0;
    static final double HEAP_TARGET_KIB = 8.0;

    /** The measurements of a run: every side's part of every measured round, in the order they ran. */
    record Figures(List<Double> brokerWarmup, List<AuthRound> rounds, InterferenceLog interference) {

        /** The rounds of one side. */
        Side side(boolean tokens) {
            return new Side(rounds.stream().filter(r -> r.tokens() == tokens).toList());
        }
    }

    /** One side's rounds, pooled. */
    record Side(List<AuthRound> rounds) {

        /** Receipts of all its deliveries runs over their seconds. */
        double deliveriesPerSec() {
            return rounds.stream().mapToLong(r -> r.deliveries().received()).sum()
                    / rounds.stream().mapToDouble(r -> r.deliveries().seconds()).sum();
        }

        /** Whether every subscriber of every run got every acknowledged event once. */
        boolean deliveriesComplete() {
            return rounds.stream().allMatch(r -> r.deliveries().complete());
        }

        /** How far its rounds' deliveries/s lie apart: (largest − smallest) / the pooled figure. */
        double deliveriesSpread() {
            DoubleSummaryStatistics each = rounds.stream().mapToDouble(r -> r.deliveries().deliveriesPerSec()).summaryStatistics();
            return (each.getMax() - each.getMin()) / deliveriesPerSec();
        }

        /** How far its rounds' single-POST p99s lie apart, ms. */
        double p99SpreadMs() {
            DoubleSummaryStatistics each = rounds.stream().mapToDouble(r -> r.ingest().latency().p99Ms()).summaryStatistics();
            return each.getMax() - each.getMin();
        }

        /** Latency of all its single POSTs answered 201. */
        LatencySummary ingestLatency() {
            Histogram all = new Histogram(3);
            rounds.forEach(r -> all.add(r.ingest().latencyNs()));
            return LatencySummary.of(all);
        }

        /** Single POSTs not answered 201, in all its rounds. */
        long ingestNot201() {
            return rounds.stream().mapToLong(r -> r.ingest().not201()).sum();
        }

        /** Connections opened and subscribed per second, over all its rounds. */
        double opensPerSec() {
            return rounds.stream().mapToLong(AuthRound::connections).sum() / rounds.stream().mapToDouble(AuthRound::openSeconds).sum();
        }

        /** Heap per idle connection, KiB: the largest of its rounds. */
        double heapKiB() {
            return rounds.stream().mapToDouble(AuthRound::heapKiB).max().orElse(Double.NaN);
        }
    }

    private final BenchRun run;
    private final AuthBenchSettings settings;
    private final Figures figures;
    private final Side off;
    private final Side on;

    AuthBenchReport(BenchRun run, AuthBenchSettings settings, Figures figures) {
        this.run = run;
        this.settings = settings;
        this.figures = figures;
        this.off = figures.side(false);
        this.on = figures.side(true);
    }

    /** One side's rounds, pooled: tokens on or off. */
    Side side(boolean tokens) {
        return tokens ? on : off;
    }

    /** Deliveries per second with tokens on over those with tokens off. */
    double deliveriesRatio() {
        return on.deliveriesPerSec() / off.deliveriesPerSec();
    }

    /** Single-POST p99 with tokens on minus with tokens off, ms. */
    double p99DifferenceMs() {
        return on.ingestLatency().p99Ms() - off.ingestLatency().p99Ms();
    }

    boolean deliveriesTargetMet() {
        return off.deliveriesComplete() && on.deliveriesComplete() && deliveriesRatio() >= DELIVERIES_RATIO_TARGET;
    }

    boolean latencyTargetMet() {
        return off.ingestNot201() == 0 && on.ingestNot201() == 0 && p99DifferenceMs() <= P99_DIFFERENCE_TARGET_MS;
    }

    boolean heapTargetMet() {
        return on.heapKiB() <= HEAP_TARGET_KIB;
    }

    /** The auth section of {@code docs/benchmarks.md} (see {@link BenchDocument}). */
    String markdown() {
        InterferenceLog interference = figures.interference();
        StringBuilder md = new StringBuilder();
        md.append("## Tokens: `./herald bench auth`\n\n");
        md.append("What tokens cost, tokens off beside tokens on in one run. Two Heralds run side by side on one broker, alike "
                + "but for their `auth.*` settings: `auth.mode=none`, and `auth.mode=jwt` with an HS256 secret and the issuer "
                + "and audience checked. Each has its ingest in the benchmark's JVM, one edge in a JVM of its own (`")
                .append(EdgeProcess.HEAP).append("`) and a topic of its own (").append(settings.partitions())
                .append(" partitions). With tokens on, each of the ").append(num(settings.connections()))
                .append(" subscribers sends a token of its own, with a subject of its own, in the `Authorization` header of its "
                + "WebSocket upgrade, and every POST carries the publishers' one token. After a warm-up round on each side, each of ")
                .append(settings.rounds()).append(" rounds measures both sides one after the other, the side that goes first "
                + "alternating from round to round, so that what disturbs the machine meanwhile falls on both.\n\n");
        md.append(interference.markdownWarning());
        md.append("### Run\n\n");
        md.append(run.runTable());
        md.append("| Warm-up, not reported | broker first: ").append(figures.brokerWarmup().size())
                .append(" × 300,000 records of 1 KiB with `ProducerPerformance` (")
                .append(figures.brokerWarmup().stream().map(Numbers::num).collect(Collectors.joining(" → ")))
                .append(" records/s); then a whole round on each side; in every round, ")
                .append(settings.throughputWarmupSeconds()).append(" s of deliveries before the measured ones and ")
                .append(settings.warmupSeconds()).append(" s of single POSTs before the measured ones |\n");
        md.append(interference.markdownRow()).append('\n');

        md.append("### Tokens off and on\n\n");
        md.append(summaryTable()).append('\n');
        md.append("Targets with tokens on: deliveries/s at least ").append(pct(DELIVERIES_RATIO_TARGET)).append(" of those with "
                + "tokens off — **").append(verdict(deliveriesTargetMet())).append("** (").append(percent(deliveriesRatio()))
                .append("); single-POST p99 at most ").append(fmt(P99_DIFFERENCE_TARGET_MS)).append(" ms above it — **")
                .append(verdict(latencyTargetMet())).append("** (").append(signed(p99DifferenceMs())).append(" ms); edge heap per "
                + "idle authenticated connection at most ").append(fmt(HEAP_TARGET_KIB)).append(" KiB — **")
                .append(verdict(heapTargetMet())).append("** (").append(fmt(on.heapKiB())).append(" KiB). ")
                .append(completeness()).append("\n\n");
        md.append(noise()).append("\n\n");

        md.append("### Round by round\n\n");
        md.append(roundsTable()).append('\n');

        md.append("### Notes\n\n");
        md.append("- Tokens: one HS256 JWT per subscriber (subject `user-<i>`, `herald.sub` `user.{sub}.*` and `")
                .append(BenchTokens.ROOM_PREFIX).append("*`), one shared by the publishers (subject `publisher`, `herald.pub` `")
                .append(BenchTokens.ROOM_PREFIX).append("*` and `bench-*`), all with `iss`, `aud`, `exp` and a `jti`, signed before "
                + "anything is measured. A service verifies an HMAC token on the request's I/O thread (it never waits on a key "
                + "server): signature, claims, then the channel patterns. Not measured here: the `{\"op\":\"auth\"}` first frame "
                + "(the other way to present a WebSocket token), SSE, and tokens signed with RSA or EC keys, whose verification "
                + "costs more than HMAC's.\n");
        md.append("- Limits: the per-address connection caps and the publish rates are off on both sides (one load generator is "
                + "one address and one publisher); the WebSocket frame rate is at its default on both, and one subscribe per "
                + "connection never reaches it. Every connection holds its frame limiter, tokens or not.\n");
        md.append("- Deliveries per second: ").append(num(settings.connections())).append(" subscribers of one channel (lean NIO "
                + "clients, `WsLoad`, 2 threads); ").append(FanoutRun.PUBLISHERS).append(" publishers keep at most ")
                .append(num(settings.window())).append(" events of ").append(num(settings.payloadBytes())).append(" bytes ahead "
                + "of what every subscriber has received, for ").append(settings.throughputSeconds())
                .append(" s, as in `bench edge`; receipts over the time from the first publish to the last receipt, pooled over "
                + "the rounds. Every subscriber is checked for missing and repeated events.\n");
        md.append("- Single POST: ").append(num(settings.rate())).append(" requests/s of 1 KiB for ").append(settings.seconds())
                .append(" s over 32 keep-alive connections (`KeepAliveLoad`), each latency from the request's scheduled send to "
                + "its 201 (no coordinated omission); the percentiles are those of all the side's requests across the rounds "
                + "(HdrHistogram). Each 201 means Kafka acknowledged the event with `acks=all`, so the p99 is mostly Kafka's; the "
                + "difference is what tokens add on top.\n");
        md.append("- Connect and subscribe: from the first connection's start to the last `subscribed` answer, ")
                .append(num(FanoutRun.OPEN_STEP)).append(" connections at a time (each step waits for its upgrades): TCP "
                + "connect, the upgrade (with the token checked, on), the subscribe and its answer. The client's 2 threads and "
                + "the edge share the machine's CPUs, so the figure is the pair's, not the edge's alone.\n");
        md.append("- Heap: the edge's JVM runs two full collections before each reading, so the figures are live objects: per "
                + "connection, the heap with the subscribers open less the heap without them, before any event and after the "
                + "deliveries run (the larger counts). With tokens on a connection also holds its grants (subject, expiry, "
                + "patterns read from its token) and a timer for its expiry.\n");
        md.append("- The broker, both ingests, the publishers, the subscribers' client and the edges share the machine's ")
                .append(run.machine().cpus()).append(" CPUs (the idle side's Herald only waits), so each figure includes the "
                + "others' load; on a machine this small the figures vary from round to round and from run to run (see the "
                + "spread above).\n");
        return md.toString();
    }

    /** The tables and verdicts, for the console. */
    String console() {
        return figures.interference().consoleHeader() + "\n\nTokens off and on\n\n" + summaryTable()
                + "\ndeliveries/s on/off " + percent(deliveriesRatio()) + ", target >= " + pct(DELIVERIES_RATIO_TARGET) + ": "
                + verdict(deliveriesTargetMet()) + "\nsingle POST p99 on - off " + signed(p99DifferenceMs()) + " ms, target <= "
                + fmt(P99_DIFFERENCE_TARGET_MS) + " ms: " + verdict(latencyTargetMet()) + "\nedge heap per idle authenticated "
                + "connection " + fmt(on.heapKiB()) + " KiB, target <= " + fmt(HEAP_TARGET_KIB) + " KiB: " + verdict(heapTargetMet())
                + "\n" + completeness() + "\n" + noise() + "\n\nRound by round\n\n" + roundsTable();
    }

    private String summaryTable() {
        LatencySummary offPosts = off.ingestLatency();
        LatencySummary onPosts = on.ingestLatency();
        StringBuilder t = new StringBuilder();
        t.append("| Figure | Tokens off | Tokens on | On against off | Target |\n");
        t.append("|---|---:|---:|---:|---|\n");
        t.append("| Deliveries/s, ").append(num(settings.connections())).append(" subscribers of one channel | ")
                .append(num(off.deliveriesPerSec())).append(" | ").append(num(on.deliveriesPerSec())).append(" | **")
                .append(percent(deliveriesRatio())).append("** | on ≥ ").append(pct(DELIVERIES_RATIO_TARGET)).append(" of off: **")
                .append(verdict(deliveriesTargetMet())).append("** |\n");
        t.append("| Ingest single POST p99, open loop at ").append(num(settings.rate())).append("/s | ").append(fmt(offPosts.p99Ms()))
                .append(" ms | ").append(fmt(onPosts.p99Ms())).append(" ms | **").append(signed(p99DifferenceMs()))
                .append(" ms** | on ≤ off + ").append(fmt(P99_DIFFERENCE_TARGET_MS)).append(" ms: **").append(verdict(latencyTargetMet()))
                .append("** |\n");
        t.append("| … its p50 | ").append(fmt(offPosts.p50Ms())).append(" ms | ").append(fmt(onPosts.p50Ms())).append(" ms | ")
                .append(signed(onPosts.p50Ms() - offPosts.p50Ms())).append(" ms | – |\n");
        t.append("| … its p99.9 | ").append(fmt(offPosts.p999Ms())).append(" ms | ").append(fmt(onPosts.p999Ms())).append(" ms | ")
                .append(signed(onPosts.p999Ms() - offPosts.p999Ms())).append(" ms | – |\n");
        t.append("| WebSocket connect and subscribe (authenticated, on), connections/s | ").append(num(off.opensPerSec()))
                .append(" | ").append(num(on.opensPerSec())).append(" | ").append(percent(on.opensPerSec() / off.opensPerSec()))
                .append(" | measured |\n");
        t.append("| Edge heap per idle connection (largest round) | ").append(fmt(off.heapKiB())).append(" KiB | ")
                .append(fmt(on.heapKiB())).append(" KiB | ").append(signed(on.heapKiB() - off.heapKiB())).append(" KiB | on ≤ ")
                .append(fmt(HEAP_TARGET_KIB)).append(" KiB: **").append(verdict(heapTargetMet())).append("** |\n");
        return t.toString();
    }

    private String roundsTable() {
        StringBuilder t = new StringBuilder();
        t.append("| Round | Tokens | Connect and subscribe/s | Heap/connection, before events | after deliveries | Deliveries/s "
                + "| POST p50 | POST p99 | POST p99.9 | Not 201 |\n");
        t.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (AuthRound r : figures.rounds()) {
            LatencySummary l = r.ingest().latency();
            t.append("| ").append(r.round()).append(" | ").append(r.tokens() ? "on" : "off").append(r.first() ? ", first" : ", second")
                    .append(" | ").append(num(r.opensPerSec())).append(" | ").append(fmt(r.idleHeapKiB())).append(" KiB | ")
                    .append(fmt(r.afterRunHeapKiB())).append(" KiB | ").append(num(r.deliveries().deliveriesPerSec())).append(" | ")
                    .append(fmt(l.p50Ms())).append(" ms | ").append(fmt(l.p99Ms())).append(" ms | ").append(fmt(l.p999Ms()))
                    .append(" ms | ").append(num(r.ingest().not201())).append(" |\n");
        }
        return t.toString();
    }

    /**
     * How much one side's own rounds differ, which bounds what the run can tell apart: a difference
     * between the sides smaller than that is within the machine's noise.
     */
    private String noise() {
        return "Round to round, one side's deliveries/s lay up to " + pct(Math.max(off.deliveriesSpread(), on.deliveriesSpread()))
                + " apart and its single-POST p99 up to " + fmt(Math.max(off.p99SpreadMs(), on.p99SpreadMs())) + " ms (see the "
                + "rounds below): a difference between the sides smaller than that is within this machine's noise, so a pass says "
                + "that tokens cost no more than that here, not that they cost nothing.";
    }

    /** Whether every delivery and every POST of both sides came through, in one sentence. */
    private String completeness() {
        List<String> faults = new ArrayList<>();
        for (AuthRound r : figures.rounds()) {
            String side = "round " + r.round() + " tokens " + (r.tokens() ? "on" : "off");
            FanoutResult d = r.deliveries();
            if (!d.complete()) {
                faults.add(side + ": " + num(d.received()) + " of " + num(d.expected()) + " receipts, " + num(d.missing()) + " missing, "
                        + num(d.repeats()) + " repeated, " + num(d.failed()) + " publishes not acknowledged");
            }
            if (r.ingest().not201() > 0) {
                faults.add(side + ": " + num(r.ingest().not201()) + " single POSTs not answered 201");
            }
        }
        if (faults.isEmpty()) {
            return "On both sides every subscriber received every acknowledged event once, and every POST was answered 201.";
        }
        return "**Incomplete**: " + String.join("; ", faults) + ".";
    }

    /** A ratio as a percentage with one decimal: {@code 98.7%}. */
    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
