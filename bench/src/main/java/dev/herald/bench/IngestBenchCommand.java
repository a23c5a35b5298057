package dev.herald.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import static dev.herald.bench.BenchMain.progress;

import dev.herald.ingest.IngestServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench ingest}: Kafka's own producer figures, then Herald's ingest figures, against one
 * broker in one run; prints the tables and optionally writes them as {@code docs/benchmarks.md}.
 *
 * <p>Steps: start (or connect to) the broker; warm it up; {@code ProducerPerformance} at full
 * speed and at {@code --rate}, each right after a warm-up run in its JVM; {@code EndToEndLatency};
 * start ingest on a free port; single POSTs at {@code --rate} for {@code --seconds} (open loop)
 * right after a warm-up at that rate; single POSTs at most throughput (closed loop); NDJSON
 * batches right after a batch warm-up; report. Each measurement thus follows its own warm-up, on
 * both sides.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Measures Herald's ingest (single POST latency and throughput, batch throughput) beside Kafka's "
                + "ProducerPerformance and EndToEndLatency, on the same broker in the same run."})
final class IngestBenchCommand implements Callable<Integer> {

    private static final String HERALD_TOPIC = "bench.events";
    private static final int PARTITIONS = 6;
    private static final long CLOSED_LOOP_MAX_REQUESTS = 5_000_000L;

    /** Share of the machine's CPU time used by other processes during each measurement, by name. */
    private final InterferenceLog interference = new InterferenceLog();

    @Option(names = "--seconds", defaultValue = "20", paramLabel = "N",
            description = "Length of the single-POST run at --rate, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "R",
            description = "Single POSTs per second, and raw producer records per second, of the latency runs "
                    + "(default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--warmup-seconds", defaultValue = "10", paramLabel = "N",
            description = "Warm-up at --rate before each fixed-rate run, raw and Herald, seconds, not reported "
                    + "(default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--raw-records", defaultValue = "300000", paramLabel = "N",
            description = "Records of the raw max-throughput run (default: ${DEFAULT-VALUE}).")
    private long rawRecords;

    @Option(names = "--batch-events", defaultValue = "300000", paramLabel = "N",
            description = "Events of the batch run, " + BenchSettings.BATCH_LINES + " per request (default: ${DEFAULT-VALUE}).")
    private long batchEvents;

    @Mixin
    private BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        BenchSettings settings = BenchSettings.of(seconds, rate, warmupSeconds, rawRecords, batchEvents, PARTITIONS);
        BenchOptions.Measured<BenchReport.Figures> measured = options.measureOnKafka(
                (kafka, runId) -> measure(kafka, settings, runId));
        BenchReport report = new BenchReport(measured.run(), settings, measured.figures());
        options.publish("ingest", report.console(), report.markdown());
        return 0;
    }

    private BenchReport.Figures measure(BenchBroker kafka, BenchSettings s, String runId) throws IOException, InterruptedException {
        RawKafkaBaseline raw = new RawKafkaBaseline(kafka, s.partitions(), runId);
        List<Double> brokerWarmup = raw.warmUpBroker(BenchSettings.BROKER_WARMUP_ROUNDS, s.rawRecords());
        progress("raw: ProducerPerformance --throughput -1, %,d records of %d bytes after %,d warm-up records",
                s.rawRecords(), RawKafkaBaseline.RECORD_BYTES, s.throughputWarmupRecords());
        ProducerPerfResult rawMax = measured("raw max", () -> raw.maxThroughput(s.throughputWarmupRecords(), s.rawRecords()));
        progress("     %,.0f records/s", rawMax.recordsPerSec());
        progress("raw: ProducerPerformance --throughput %d, %,d records after %,d warm-up records", s.rate(),
                s.rawRateRecords(), s.rateWarmupRecords());
        ProducerPerfResult rawAtRate = measured("raw at rate",
                () -> raw.atRate(s.rateWarmupRecords(), s.rawRateRecords(), s.rate()));
        progress("     p50 %d ms, p99 %d ms, p99.9 %d ms", rawAtRate.p50Ms(), rawAtRate.p99Ms(), rawAtRate.p999Ms());
        progress("raw: EndToEndLatency, %,d records", s.endToEndRecords());
        EndToEndResult e2e = measured("EndToEndLatency", () -> raw.endToEnd(s.endToEndRecords()));
        progress("     p50 %d ms, p99 %d ms, p99.9 %d ms", e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms());

        try (IngestServer ingest = kafka.startIngest(HERALD_TOPIC, s.partitions())) {
            String url = ingest.baseUrl();
            progress("Herald ingest at %s, topic %s", url, HERALD_TOPIC);
            progress("warm-up: single POST at %,d/s for %d s (not reported)", s.rate(), s.warmupSeconds());
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < BenchPayloads.CHANNELS; i++) {
                paths.add("/v1/channels/" + BenchPayloads.channel(i) + "/events");
            }
            KeepAliveLoad lean = new KeepAliveLoad(url, paths, "application/json", BenchPayloads.eventPayload());
            if (s.warmupSeconds() > 0) {
                openLoop(lean, s.rate(), Duration.ofSeconds(s.warmupSeconds()));
            }

            progress("Herald: single POST, open loop at %,d/s for %d s", s.rate(), s.seconds());
            SinglePublishLoad.Result atRate = measured("Herald at rate", () -> openLoop(lean, s.rate(), Duration.ofSeconds(s.seconds())));
            progress("     %,.0f/s sent, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, %,d not 201", atRate.sentPerSecond(),
                    atRate.latency().p50Ms(), atRate.latency().p99Ms(), atRate.latency().p999Ms(), atRate.not201());

            progress("Herald: single POST, closed loop, %d in flight for %d s", s.closedConcurrency(), s.closedSeconds());
            SinglePublishLoad.Result max = measured("Herald single max", () -> withClient(url, client -> new SinglePublishLoad(client)
                    .closedLoop(s.closedConcurrency(), Duration.ofSeconds(s.closedSeconds()), CLOSED_LOOP_MAX_REQUESTS)));
            progress("     %,.0f/s, p99 %.2f ms, %,d not 201", max.createdPerSecond(), max.latency().p99Ms(), max.not201());

            progress("warm-up: batch, %,d events (not reported)", s.throughputWarmupRecords());
            withClient(url, client -> new BatchPublishLoad(client, s.batchLines())
                    .run(s.throughputWarmupRecords(), s.batchConcurrency(), BenchSettings.BATCH_MAX_DURATION));
            progress("Herald: batch, %,d events, %,d a request, %d in flight", s.batchEvents(), s.batchLines(),
                    s.batchConcurrency());
            BatchPublishLoad.Result batch = measured("Herald batch", () -> withClient(url, client -> new BatchPublishLoad(client,
                    s.batchLines()).run(s.batchEvents(), s.batchConcurrency(), BenchSettings.BATCH_MAX_DURATION)));
            progress("     %,.0f events/s, %,d of %,d events published", batch.eventsPerSecond(),
                    batch.eventsCreated(), batch.eventsSent());
            return new BenchReport.Figures(brokerWarmup, rawMax, rawAtRate, e2e, atRate, max, batch, interference);
        }
    }

    /**
     * Runs one measurement and notes how much CPU time other processes took meanwhile (see
     * {@link CpuInterference}), under {@code name}.
     */
    private static SinglePublishLoad.Result openLoop(KeepAliveLoad load, int rate, Duration duration) {
        try {
            return load.openLoop(rate, duration);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("open-loop load failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the open-loop load", e);
        }
    }

    private <T> T measured(String name, InterferenceLog.Step<T> step) throws IOException, InterruptedException {
        return interference.measure(name, step);
    }

    /**
     * Runs one load with a client of its own, so that no run inherits the connections another
     * opened (the JDK client's pool grows with the most requests ever in flight, and a large pool
     * makes every request slower).
     */
    private static <T> T withClient(String baseUrl, Function<IngestClient, T> load) {
        try (IngestClient client = new IngestClient(baseUrl)) {
            return load.apply(client);
        }
    }
}
