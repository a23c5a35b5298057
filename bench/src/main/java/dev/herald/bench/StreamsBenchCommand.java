package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.RecordMapping;
import dev.herald.streams.HeraldStreamsConfig;
import dev.herald.streams.StreamsService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench streams}: the streams service's topology beside Kafka's {@code ConsumerPerformance}
 * on the same broker and the same records. Fills a new log topic with {@code --records} records of
 * Herald's format (CloudEvents headers, key = channel) over {@code --channels} channels, reads them
 * once with {@code ConsumerPerformance}, then starts the streams service (a new application id:
 * it reads the log from its start, exactly-once, writing {@code herald.latest} and
 * {@code herald.stats}) and measures until its committed offsets reach the end of the log: records
 * a second from its start (group join included, as {@code ConsumerPerformance} counts) and from
 * the moment it was {@code RUNNING}.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "Measures the streams service's topology (latest values and metering) in records/s beside Kafka's "
                + "ConsumerPerformance reading the same log on the same broker.")
final class StreamsBenchCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "1000000", paramLabel = "N",
            description = "Records in the log (default: ${DEFAULT-VALUE}).")
    private long records;

    @Option(names = "--channels", defaultValue = "10000", paramLabel = "N",
            description = "Channels the records are spread over, round robin (default: ${DEFAULT-VALUE}).")
    private int channels;

    @Option(names = "--payload-bytes", defaultValue = "1024", paramLabel = "B",
            description = "Payload of every record (default: ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--partitions", defaultValue = "6", paramLabel = "P",
            description = "Partitions of the log (default: ${DEFAULT-VALUE}, as ./herald dev).")
    private int partitions;

    @Option(names = "--timeout-seconds", defaultValue = "600", paramLabel = "S",
            description = "Most time the topology may take to process the log before the run fails (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Mixin
    private BenchOptions options;

    /**
     * The figures of one run.
     *
     * @param records          records in the log
     * @param channels         channels they are spread over
     * @param payloadBytes     payload of each
     * @param partitions       partitions of the log
     * @param consumer         {@code ConsumerPerformance} reading them
     * @param topologySeconds  from the service's start to its committed offsets at the log's end
     * @param runningSeconds   from Kafka Streams' first {@code RUNNING} to the same moment
     */
    record Figures(long records, int channels, int payloadBytes, int partitions, ConsumerPerfResult consumer, double topologySeconds,
                   double runningSeconds) {

        double topologyPerSec() {
            return records / topologySeconds;
        }

        double runningPerSec() {
            return records / runningSeconds;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (records < 1 || channels < 1 || payloadBytes < 0 || partitions < 1) {
            throw new IllegalArgumentException("--records, --channels and --partitions must be at least 1, --payload-bytes at least 0");
        }
        BenchOptions.Measured<Figures> measured = options.measureOnKafka(this::measure);
        Figures f = measured.figures();
        String console = String.format(java.util.Locale.ROOT, "%,d records over %,d channels, %d partitions, %d-byte payloads%n"
                        + "  ConsumerPerformance       %,12.0f records/s  (%.1f MB/s)%n"
                        + "  streams topology          %,12.0f records/s  from start, %,.0f records/s once RUNNING (%.0f%% of ConsumerPerformance)",
                f.records(), f.channels(), f.partitions(), f.payloadBytes(), f.consumer().recordsPerSec(), f.consumer().mbPerSec(),
                f.topologyPerSec(), f.runningPerSec(), 100 * f.topologyPerSec() / f.consumer().recordsPerSec());
        options.publish("streams", console, markdown(measured.run(), f));
        return 0;
    }

    private Figures measure(BenchBroker kafka, String runId) throws IOException, InterruptedException {
        String log = "bench.streams.log." + runId;
        kafka.createTopic(log, partitions);
        fill(kafka, log);
        progress("ConsumerPerformance: %,d records of %s", records, log);
        ConsumerPerfResult consumer = new RawKafkaBaseline(kafka, partitions, runId).consumerPerformance(log, records, "bench.streams.cp." + runId);
        progress("     %,.0f records/s", consumer.recordsPerSec());

        String applicationId = "bench-streams-" + runId;
        Path state = Files.createTempDirectory("herald-bench-streams");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> end = endOffsets(admin, log);
            progress("streams topology: application %s from the start of %s", applicationId, log);
            long startNs = System.nanoTime();
            try (StreamsService streams = StreamsService.start(new HeraldStreamsConfig(Map.of(
                    HeraldStreamsConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    HeraldStreamsConfig.TOPIC, log,
                    HeraldStreamsConfig.LATEST_TOPIC, "bench.streams.latest." + runId,
                    HeraldStreamsConfig.STATS_TOPIC, "bench.streams.stats." + runId,
                    HeraldStreamsConfig.APPLICATION_ID, applicationId,
                    HeraldStreamsConfig.STATE_DIR, state.toString(),
                    HeraldStreamsConfig.HTTP_PORT, "0")))) {
                long runningNs = 0;
                long deadline = startNs + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                while (true) {
                    if (runningNs == 0 && streams.notReadyReason() == null) {
                        runningNs = System.nanoTime();
                    }
                    if (runningNs != 0 && committedAtEnd(admin, applicationId, end)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the topology did not process " + records + " records within " + timeoutSeconds
                                + " s (" + streams.notReadyReason() + ")");
                    }
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                long doneNs = System.nanoTime();
                double seen = streams.registry().get("herald.streams.log.records").tag("kind", "event").counter().count();
                if (seen != records) {
                    throw new IllegalStateException("the topology read " + seen + " events of the " + records + " in the log");
                }
                Figures f = new Figures(records, channels, payloadBytes, partitions, consumer, (doneNs - startNs) / 1e9,
                        (doneNs - runningNs) / 1e9);
                progress("     %,.0f records/s from start (%.1f s), %,.0f records/s once RUNNING", f.topologyPerSec(), f.topologySeconds(),
                        f.runningPerSec());
                return f;
            }
        } finally {
            BenchBroker.deleteTree(state);
        }
    }

    /** Writes the records, as ingest would (CloudEvents headers, key = channel), round robin over the channels. */
    private void fill(BenchBroker kafka, String topic) throws InterruptedException {
        progress("filling %s: %,d records over %,d channels", topic, records, channels);
        byte[] payload = new byte[payloadBytes];
        java.util.Arrays.fill(payload, (byte) 'x');
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all",
                "enable.idempotence", "true", "linger.ms", "5", "batch.size", Integer.toString(256 * 1024)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            Instant now = Instant.now();
            for (long i = 0; i < records; i++) {
                Event e = new Event(EventId.generate(now.toEpochMilli()), "bench.streams." + (i % channels), Event.DEFAULT_TYPE,
                        "herald://bench", now, "application/octet-stream", payload);
                List<Header> headers = new ArrayList<>(6);
                for (HeaderField h : RecordMapping.headers(e)) {
                    headers.add(new RecordHeader(h.key(), h.value()));
                }
                pending.add(producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), RecordMapping.key(e), payload, headers)));
                if (pending.size() >= 10_000) {
                    awaitAll(pending);
                }
            }
            awaitAll(pending);
        }
    }

    private static void awaitAll(List<Future<RecordMetadata>> pending) throws InterruptedException {
        try {
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("filling the log failed: " + e.getCause(), e.getCause());
        }
        pending.clear();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws InterruptedException {
        try {
            Set<TopicPartition> partitions = new java.util.HashSet<>();
            admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end of " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    /** Whether the application's committed offsets are at {@code end} in every partition of the log. */
    private static boolean committedAtEnd(Admin admin, String group, Map<TopicPartition, Long> end) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                // an exactly-once commit puts a transaction marker after the last record: the committed offset may pass the end read before
                if (c == null || c.offset() < e.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false; // the group is not there yet
        }
    }

    private static String markdown(BenchRun run, Figures f) {
        return "## Streams: `./herald bench streams`\n\n"
                + "The streams service's topology (every channel's latest event into `herald.latest`, usage per channel and minute "
                + "into `herald.stats`, exactly-once) reading a log of Herald records from its start, beside Kafka's "
                + "`ConsumerPerformance` reading the same records on the same broker.\n\n"
                + "### Run\n\n"
                + run.runTable()
                + "| Log | " + Numbers.num(f.records()) + " records over " + Numbers.num(f.channels()) + " channels, " + f.partitions()
                + " partitions, " + f.payloadBytes() + "-byte payloads with CloudEvents headers |\n\n"
                + "### Records per second\n\n"
                + "| | records/s | |\n|---|---:|---|\n"
                + "| Kafka `ConsumerPerformance` (one consumer) | " + Numbers.num(f.consumer().recordsPerSec()) + " | "
                + Numbers.fmt(f.consumer().mbPerSec()) + " MB/s, group join included |\n"
                + "| Streams topology, from start | " + Numbers.num(f.topologyPerSec()) + " | " + Numbers.fmt(f.topologySeconds())
                + " s from `StreamsService.start` (topics, group join, stores) to its committed offsets at the log's end; "
                + Numbers.pct(f.topologyPerSec() / f.consumer().recordsPerSec()) + " of `ConsumerPerformance` |\n"
                + "| Streams topology, once `RUNNING` | " + Numbers.num(f.runningPerSec()) + " | " + Numbers.fmt(f.runningSeconds())
                + " s |\n\n"
                + "### Notes\n\n"
                + "- Per record the topology does more than a consumer: it reads the record's headers as an event, writes a retained "
                + "event to `herald.latest` (and reads it back into its RocksDB table), and updates a RocksDB window store whose "
                + "totals go to `herald.stats`, all in Kafka transactions (`exactly_once_v2`, commits every 100 ms).\n"
                + "- Done means Kafka Streams has committed offsets at the log's end in every partition, so every record's writes are "
                + "committed.\n";
    }
}
