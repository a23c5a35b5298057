package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench ingest}: Kafka's own producer figures, then Herald's ingest figures, against one
 * broker in one run; prints the tables and optionally writes them as {@code docs/benchmarks.md}.
 *
 * <p>Steps: start (or connect to) the broker; warm it up; {@code ProducerPerformance} at full
 * speed and at {@code --rate}; {@code EndToEndLatency}; start ingest on a free port; warm it up;
 * single POSTs at {@code --rate} for {@code --seconds} (open loop); single POSTs at most
 * throughput (closed loop); NDJSON batches; report.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Measures Herald's ingest (single POST latency and throughput, batch throughput) beside Kafka's "
                + "ProducerPerformance and EndToEndLatency, on the same broker in the same run."})
final class IngestBenchCommand implements Callable<Integer> {

    /** Prefix of the command line in the report; the launcher may name itself instead. */
    static final String LAUNCHER_PROPERTY = "herald.bench.launcher";
    private static final String DEFAULT_LAUNCHER = "java -jar bench/target/herald-bench.jar";
    private static final String HERALD_TOPIC = "bench.events";
    private static final int PARTITIONS = 6;

    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "20", paramLabel = "N",
            description = "Length of the single-POST run at --rate, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "R",
            description = "Single POSTs per second, and raw producer records per second, of the latency runs "
                    + "(default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "N",
            description = "Single POSTs at --rate before measuring, seconds, not reported (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--raw-records", defaultValue = "300000", paramLabel = "N",
            description = "Records of the raw max-throughput run (default: ${DEFAULT-VALUE}).")
    private long rawRecords;

    @Option(names = "--batch-events", defaultValue = "300000", paramLabel = "N",
            description = "Events of the batch run, 1,000 per request (default: ${DEFAULT-VALUE}).")
    private long batchEvents;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the report as Markdown to FILE, e.g. docs/benchmarks.md.")
    private Path out;

    @Option(names = "--bootstrap-servers", paramLabel = "S",
            description = "Use this Kafka cluster instead of starting an embedded broker in a temporary folder.")
    private String bootstrapServers;

    @Override
    public Integer call() throws IOException {
        BenchSettings settings = new BenchSettings(seconds, rate, warmupSeconds, rawRecords, rate * 15L, 10_000,
                64, 10, batchEvents, 1_000, 4, PARTITIONS);
        MachineInfo machine = MachineInfo.collect();
        Instant date = Instant.now();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String broker;
        BenchReport.Figures figures;
        try (BenchBroker kafka = bootstrapServers == null ? BenchBroker.embedded() : BenchBroker.external(bootstrapServers)) {
            broker = kafka.description();
            progress("Kafka at %s", kafka.bootstrapServers());
            figures = measure(kafka, settings, runId);
        }
        BenchReport report = new BenchReport(machine, date, commandLine(), AppInfoParser.getVersion(), broker, settings, figures);
        System.out.println();
        System.out.println(report.console());
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, report.markdown(), StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
        }
        return 0;
    }

    private BenchReport.Figures measure(BenchBroker kafka, BenchSettings s, String runId) {
        RawKafkaBaseline raw = new RawKafkaBaseline(kafka, s.partitions(), runId);
        progress("warm-up: ProducerPerformance, %,d records (not reported)", s.rawRecords() / 6);
        raw.warmUp(s.rawRecords() / 6);
        progress("raw: ProducerPerformance --throughput -1, %,d records of %d bytes", s.rawRecords(), RawKafkaBaseline.RECORD_BYTES);
        ProducerPerfResult rawMax = raw.maxThroughput(s.rawRecords());
        progress("     %,.0f records/s", rawMax.recordsPerSec());
        progress("raw: ProducerPerformance --throughput %d, %,d records", s.rate(), s.rawRateRecords());
        ProducerPerfResult rawAtRate = raw.atRate(s.rawRateRecords(), s.rate());
        progress("     p50 %d ms, p99 %d ms, p99.9 %d ms", rawAtRate.p50Ms(), rawAtRate.p99Ms(), rawAtRate.p999Ms());
        progress("raw: EndToEndLatency, %,d records", s.endToEndRecords());
        EndToEndResult e2e = raw.endToEnd(s.endToEndRecords());
        progress("     p50 %d ms, p99 %d ms, p99.9 %d ms", e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms());

        IngestConfig config = new IngestConfig(Map.of(
                IngestConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                IngestConfig.HTTP_PORT, "0",
                IngestConfig.TOPIC, HERALD_TOPIC,
                IngestConfig.TOPIC_PARTITIONS, Integer.toString(s.partitions()),
                IngestConfig.TOPIC_REPLICATION_FACTOR, "1",
                IngestConfig.INGEST_ID, "bench"));
        try (IngestServer ingest = IngestServer.start(config); IngestClient client = new IngestClient(ingest.baseUrl())) {
            progress("Herald ingest at %s, topic %s", ingest.baseUrl(), HERALD_TOPIC);
            SinglePublishLoad single = new SinglePublishLoad(client);
            BatchPublishLoad batch = new BatchPublishLoad(client, s.batchLines());
            if (s.warmupSeconds() > 0) {
                progress("warm-up: single POST at %,d/s for %d s, %,d batch events (not reported)", s.rate(),
                        s.warmupSeconds(), s.batchLines() * 20L);
                single.openLoop(s.rate(), Duration.ofSeconds(s.warmupSeconds()));
                batch.run(s.batchLines() * 20L, s.batchConcurrency(), BenchSettings.BATCH_MAX_DURATION);
            }
            progress("Herald: single POST, open loop at %,d/s for %d s", s.rate(), s.seconds());
            SinglePublishLoad.Result atRate = single.openLoop(s.rate(), Duration.ofSeconds(s.seconds()));
            progress("     %,.0f/s sent, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, %,d not 201", atRate.sentPerSecond(),
                    atRate.latency().p50Ms(), atRate.latency().p99Ms(), atRate.latency().p999Ms(), atRate.not201());
            progress("Herald: single POST, closed loop, %d in flight for %d s", s.closedConcurrency(), s.closedSeconds());
            SinglePublishLoad.Result max = single.closedLoop(s.closedConcurrency(), Duration.ofSeconds(s.closedSeconds()),
                    5_000_000L);
            progress("     %,.0f/s, p99 %.2f ms, %,d not 201", max.createdPerSecond(), max.latency().p99Ms(), max.not201());
            progress("Herald: batch, %,d events, %,d a request, %d in flight", s.batchEvents(), s.batchLines(),
                    s.batchConcurrency());
            BatchPublishLoad.Result batchResult = batch.run(s.batchEvents(), s.batchConcurrency(), BenchSettings.BATCH_MAX_DURATION);
            progress("     %,.0f events/s, %,d of %,d events published", batchResult.eventsPerSecond(),
                    batchResult.eventsCreated(), batchResult.eventsSent());
            return new BenchReport.Figures(rawMax, rawAtRate, e2e, atRate, max, batchResult);
        }
    }

    private String commandLine() {
        String launcher = System.getProperty(LAUNCHER_PROPERTY, DEFAULT_LAUNCHER);
        StringBuilder line = new StringBuilder(launcher).append(' ').append(spec.name());
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            line.append(' ').append(arg.isEmpty() || arg.matches(".*[\\s'\"$`\\\\].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return line.toString();
    }

    private static void progress(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
