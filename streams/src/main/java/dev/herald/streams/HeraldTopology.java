package dev.herald.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.streams.internal.EventTimeExtractor;
import dev.herald.streams.internal.LogEntry;
import dev.herald.streams.internal.LogRecordReader;
import dev.herald.streams.internal.TopologyMeters;
import dev.herald.streams.internal.Usage;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The streams service's topology: from the log, every channel's latest event into
 * {@code herald.latest}, and per-channel usage per minute into {@code herald.stats}.
 *
 * <pre>
 * log (herald.events) --read-log-record--+--latest-value--> herald.latest (compacted) --> table "herald-latest" (RocksDB)
 *   event time: ce_time                  |
 *                                         +--events-only--> group by channel --> 1-minute tumbling windows
 *                                                           (grace stats.grace.ms) --> store "herald-stats-windows"
 *                                                           (RocksDB) --usage-json--> herald.stats
 * </pre>
 *
 * Why it is built this way:
 * <ul>
 *   <li><b>Latest.</b> Every record of the log is read in offset order within its partition, and
 *       a channel lives in one partition, so the last record written to {@code herald.latest} for
 *       a channel is its latest event: a later event always wins. A clear is a control record in
 *       the same partition ({@code DELETE /v1/channels/{c}/latest}), so it falls between the
 *       events it was sent between: it becomes a tombstone after the events before it and before
 *       the ones after it, and nothing in this topology's state can bring an older value back.
 *       {@code herald.latest} has the log's partitions and the same key, so a channel's latest
 *       value is in the partition of its events ({@code FanoutConsumer.partitionOf}).</li>
 *   <li><b>RocksDB, no second changelog.</b> The table {@value #LATEST_STORE} reads
 *       {@code herald.latest} back into a RocksDB store; with
 *       {@code topology.optimization=reuse.ktable.source.topics} ({@link #properties}) the
 *       compacted topic itself is the store's changelog, so the store is restored from it and no
 *       {@code -changelog} copy is made. Kafka's compaction keeps the last value per channel (and
 *       drops tombstones after {@code delete.retention.ms}).</li>
 *   <li><b>No repartition.</b> The key (the channel) is never changed before the grouping, so the
 *       metering is done in the log's partitions and Kafka Streams makes no repartition topic.</li>
 *   <li><b>Metering.</b> Tumbling one-minute windows of event time ({@link EventTimeExtractor}):
 *       events and payload bytes per channel. Each update of a window is written with the
 *       totals so far (Kafka Streams' record cache conflates updates within a commit interval);
 *       the last record of a channel and minute is its total. An event older than the newest event
 *       time of its partition minus the grace period is not counted (Kafka Streams drops it and
 *       counts it in {@code dropped-records}). With {@code processing.guarantee=exactly_once_v2}
 *       each event is counted exactly once, however often the service fails and restarts.</li>
 * </ul>
 */
public final class HeraldTopology {

    /** The RocksDB store of every channel's latest event, restored from {@code herald.latest}. */
    public static final String LATEST_STORE = "herald-latest";
    /** The RocksDB window store of the metering totals. */
    public static final String STATS_STORE = "herald-stats-windows";
    /** The metering window. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    /**
     * The topics and the grace period of one topology.
     *
     * @param logTopic    the event log, {@code herald.events}
     * @param latestTopic the compacted topic of latest values, {@code herald.latest}
     * @param statsTopic  the usage topic, {@code herald.stats}
     * @param statsGrace  how long, in event time, a window takes late events after it ends
     */
    public record Settings(String logTopic, String latestTopic, String statsTopic, Duration statsGrace) {

        public Settings {
            Objects.requireNonNull(logTopic, "logTopic");
            Objects.requireNonNull(latestTopic, "latestTopic");
            Objects.requireNonNull(statsTopic, "statsTopic");
            if (statsGrace.isNegative()) {
                throw new IllegalArgumentException("statsGrace must be >= 0, was " + statsGrace);
            }
        }

        /** The settings of {@code config}. */
        public static Settings of(HeraldStreamsConfig config) {
            return new Settings(config.getString(HeraldStreamsConfig.TOPIC), config.getString(HeraldStreamsConfig.LATEST_TOPIC),
                    config.getString(HeraldStreamsConfig.STATS_TOPIC), config.statsGrace());
        }
    }

    private HeraldTopology() {
    }

    /**
     * The Kafka Streams properties the topology needs besides the deployment's own (application
     * id, servers, state folder): exactly-once processing and the reuse of {@code herald.latest}
     * as its table's changelog. Build and run the topology with the same properties.
     */
    public static Properties properties() {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        return p;
    }

    /**
     * Builds the topology.
     *
     * @param settings   its topics and grace period
     * @param epoch      the log's epoch now (each retained event carries it); called once per event
     * @param registry   where its own meters go ({@link TopologyMeters})
     * @param properties the Kafka Streams properties it will run with (optimizations are applied
     *                   at build time), at least {@link #properties()}
     */
    public static Topology build(Settings settings, Supplier<Epoch> epoch, MeterRegistry registry, Properties properties) {
        TopologyMeters meters = new TopologyMeters(registry);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<byte[], LogEntry> log = builder
                .stream(settings.logTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withTimestampExtractor(new EventTimeExtractor()).withName("log"))
                .processValues(() -> new LogRecordReader(epoch, meters), Named.as("read-log-record"));

        log.mapValues(entry -> entry.isClear() ? null : RetainedEventCodec.encode(entry.retained()), Named.as("latest-value"))
                .to(settings.latestTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("latest"));
        builder.table(settings.latestTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("latest-table"),
                Materialized.<byte[], byte[], KeyValueStore<Bytes, byte[]>>as(LATEST_STORE)
                        .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.ByteArray()));

        log.filter((channel, entry) -> !entry.isClear(), Named.as("events-only"))
                .mapValues(LogEntry::payloadBytes, Named.as("payload-bytes"))
                .groupByKey(Grouped.with("by-channel", Serdes.ByteArray(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, settings.statsGrace()))
                .aggregate(() -> Usage.NONE, (channel, bytes, total) -> total.plus(bytes), Named.as("meter"),
                        Materialized.<byte[], Usage, WindowStore<Bytes, byte[]>>as(STATS_STORE)
                                .withKeySerde(Serdes.ByteArray()).withValueSerde(Usage.serde()))
                .toStream(Named.as("usage-updates"))
                .map((window, total) -> KeyValue.pair(window.key(), ChannelUsageCodec.encode(new ChannelUsage(
                        new String(window.key(), StandardCharsets.UTF_8), Instant.ofEpochMilli(window.window().start()),
                        Instant.ofEpochMilli(window.window().end()), total.events(), total.bytes()))), Named.as("usage-json"))
                .to(settings.statsTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("stats"));

        return builder.build(properties);
    }
}
