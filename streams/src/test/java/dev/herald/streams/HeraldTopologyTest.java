package dev.herald.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.LogControl;
import dev.herald.schemas.Position;
import dev.herald.schemas.RecordMapping;
import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on Kafka Streams' {@link TopologyTestDriver}: records piped into the log, what comes
 * out of {@code herald.latest} and {@code herald.stats}, and the RocksDB store of latest values.
 * The driver has one partition per topic: offsets are the order records are piped in.
 */
class HeraldTopologyTest {

    private static final Epoch EPOCH = new Epoch(UUID.fromString("5f0c8a52-7c1e-4d6a-9a57-0e2f3c4b5a69"), 1);
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(60);

    @TempDir
    Path state;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> log;
    private TestOutputTopic<byte[], byte[]> latest;
    private TestOutputTopic<byte[], byte[]> stats;

    @BeforeEach
    void start() {
        Properties props = HeraldTopology.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "herald-streams-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update out at once: the tests read each one
        HeraldTopology.Settings settings = new HeraldTopology.Settings("herald.events", "herald.latest", "herald.stats", GRACE);
        driver = new TopologyTestDriver(HeraldTopology.build(settings, () -> EPOCH, registry, props), props);
        log = driver.createInputTopic("herald.events", new ByteArraySerializer(), new ByteArraySerializer());
        latest = driver.createOutputTopic("herald.latest", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        stats = driver.createOutputTopic("herald.stats", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void theLastEventOfAChannelInTheLogIsItsLatestEvenWithAnEarlierEventTime() {
        publish("car-1", "a1", "{\"km\":1}", T);
        publish("car-2", "b1", "{\"km\":7}", T);
        publish("car-1", "a2", "{\"km\":2}", T.plusSeconds(30));
        publish("car-1", "a3", "{\"km\":3}", T.plusSeconds(10)); // later in the log, earlier in time: still the latest

        Map<String, RetainedEvent> table = latestTable();
        assertThat(table).containsOnlyKeys("car-1", "car-2");
        RetainedEvent car1 = table.get("car-1");
        assertThat(car1.event().id()).isEqualTo("a3");
        assertThat(new String(car1.event().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"km\":3}");
        assertThat(car1.event().time()).isEqualTo(T.plusSeconds(10));
        assertThat(car1.event().contentType()).isEqualTo("application/json");
        assertThat(car1.position()).isEqualTo(new Position(EPOCH, 0, 3));
        assertThat(table.get("car-2").position()).isEqualTo(new Position(EPOCH, 0, 1));
        assertThat(stored("car-1").event().id()).as("the RocksDB store follows herald.latest").isEqualTo("a3");
    }

    @Test
    void aClearIsATombstoneAfterTheEventsBeforeItAndTheNextEventSetsTheValueAgain() {
        publish("doc-1", "e1", "1", T);
        publish("doc-1", "e2", "2", T);
        publish("doc-1", "e3", "3", T);
        clear("doc-1");
        assertThat(stored("doc-1")).as("cleared after e3").isNull();
        publish("doc-1", "e4", "4", T);

        List<TestRecord<byte[], byte[]>> written = latest.readRecordsToList();
        assertThat(written).extracting(r -> r.value() == null ? "tombstone" : RetainedEventCodec.decode(r.value()).event().id())
                .containsExactly("e1", "e2", "e3", "tombstone", "e4");
        assertThat(written).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("doc-1"));
        assertThat(stored("doc-1").event().id()).isEqualTo("e4");
        assertThat(stored("doc-1").position().offset()).isEqualTo(4);
        assertThat(count("clear")).isEqualTo(1);
    }

    @Test
    void aClearOfAChannelWithNoValueLeavesItWithoutOneAndOtherChannelsAsTheyAre() {
        publish("a", "a1", "1", T);
        clear("b");

        assertThat(stored("b")).isNull();
        assertThat(stored("a").event().id()).isEqualTo("a1");
        assertThat(latestTable()).containsOnlyKeys("a");
    }

    @Test
    void recordsOfAnyProducerAreRetainedAndMeteredAndMalformedOnesAreCountedAndSkipped() {
        long at = T.plusSeconds(5).toEpochMilli();
        log.pipeInput(new TestRecord<>(utf8("sensors/1"), utf8("21.5"), new RecordHeaders(), at)); // no ce_ headers
        log.pipeInput(new TestRecord<>(null, utf8("no key"), new RecordHeaders(), at));
        log.pipeInput(new TestRecord<>(utf8("bad channel!"), utf8("x"), new RecordHeaders(), at));
        log.pipeInput(new TestRecord<>(utf8("sensors/1"), new byte[0],
                new RecordHeaders(List.of(new RecordHeader(LogControl.HEADER, utf8("rewind")))), at)); // a later kind of control
        log.pipeInput(new TestRecord<>(utf8("sensors/1"), utf8("x"),
                new RecordHeaders(List.of(new RecordHeader(RecordMapping.ID, utf8("has space")))), at));

        RetainedEvent plain = stored("sensors/1");
        assertThat(plain.event().id()).isEqualTo("kafka-0-0");
        assertThat(plain.event().source()).isEqualTo(RecordMapping.FOREIGN_SOURCE);
        assertThat(plain.event().contentType()).isNull();
        assertThat(plain.event().time()).isEqualTo(Instant.ofEpochMilli(at));
        assertThat(new String(plain.event().payload(), StandardCharsets.UTF_8)).isEqualTo("21.5");
        assertThat(count("event")).isEqualTo(1);
        assertThat(count("malformed")).isEqualTo(4);
        Map<String, long[]> usage = finalUsage();
        assertThat(usage).containsOnlyKeys("sensors/1@" + T);
        assertThat(usage.get("sensors/1@" + T)).isEqualTo(new long[] {1, 4});
    }

    @Test
    void usageIsCountedPerChannelAndMinuteOfEventTimeAtTheWindowsEdges() {
        publish("a", "1", "abc", T);                                // 10:00:00.000 opens 10:00
        publish("a", "2", "abcde", T.plusMillis(59_999));           // 10:00:59.999 is still 10:00
        publish("b", "3", "xy", T.plusSeconds(30));
        publish("a", "4", "abcdefg", T.plusSeconds(60));            // 10:01:00.000 is 10:01
        clear("a");                                                 // no event: not metered

        Map<String, long[]> usage = finalUsage();
        assertThat(usage).containsOnlyKeys("a@" + T, "a@" + T.plusSeconds(60), "b@" + T);
        assertThat(usage.get("a@" + T)).isEqualTo(new long[] {2, 8});
        assertThat(usage.get("a@" + T.plusSeconds(60))).isEqualTo(new long[] {1, 7});
        assertThat(usage.get("b@" + T)).isEqualTo(new long[] {1, 2});
        assertThat(registry.get("herald.streams.metered.bytes").counter().count()).isEqualTo(17);
    }

    @Test
    void aLateEventWithinTheGracePeriodIsCountedAndOneAfterItIsDroppedAndCountedAsDropped() {
        publish("a", "1", "1", T.plusSeconds(10));
        publish("b", "2", "2", T.plusSeconds(90));    // event time of the partition: 10:01:30
        publish("a", "3", "33", T.plusSeconds(50));   // 10:00 closes at 10:01 + 60 s grace = 10:02: still counted
        publish("b", "4", "4", T.plusSeconds(150));   // 10:02:30: 10:00 is closed now
        publish("a", "5", "555", T.plusSeconds(55));  // too late: dropped

        assertThat(finalUsage().get("a@" + T)).isEqualTo(new long[] {2, 3});
        double dropped = driver.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("dropped-records-total"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum();
        assertThat(dropped).isEqualTo(1);
    }

    @Test
    void aUsageRecordCarriesTheChannelItsMinuteAndItsTotalsAsJson() {
        publish("chat:room-1", "1", "{\"t\":\"hi\"}", T.plusSeconds(1));

        TestRecord<byte[], byte[]> record = stats.readRecord();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("chat:room-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"channel\":\"chat:room-1\",\"windowStart\":\"2026-12-01T10:00:00Z\",\"windowEnd\":\"2026-12-01T10:01:00Z\","
                        + "\"events\":1,\"bytes\":10}");
    }

    private void publish(String channel, String id, String payload, Instant time) {
        Event e = new Event(id, channel, Event.DEFAULT_TYPE, "herald://ingest/test", time, "application/json", utf8(payload));
        RecordHeaders headers = new RecordHeaders();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(h.key(), h.value());
        }
        log.pipeInput(new TestRecord<>(RecordMapping.key(e), e.payload(), headers, time.toEpochMilli()));
    }

    /** A clear as ingest writes it: the channel as key, no value, the control header alone; record time now. */
    private void clear(String channel) {
        HeaderField h = LogControl.CLEAR_LATEST.header();
        log.pipeInput(new TestRecord<>(utf8(channel), new byte[0], new RecordHeaders(List.of(new RecordHeader(h.key(), h.value()))),
                T.toEpochMilli()));
    }

    /** herald.latest as a compacted topic ends up: the last value per key, a tombstone removing it. */
    private Map<String, RetainedEvent> latestTable() {
        Map<String, RetainedEvent> table = new HashMap<>();
        for (TestRecord<byte[], byte[]> r : latest.readRecordsToList()) {
            String channel = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                table.remove(channel);
            } else {
                table.put(channel, RetainedEventCodec.decode(r.value()));
            }
        }
        return table;
    }

    private RetainedEvent stored(String channel) {
        KeyValueStore<byte[], byte[]> store = driver.getKeyValueStore(HeraldTopology.LATEST_STORE);
        byte[] value = store.get(utf8(channel));
        return value == null ? null : RetainedEventCodec.decode(value);
    }

    /** Every (channel @ window start) of herald.stats with its last {events, bytes}: the minute's total. */
    private Map<String, long[]> finalUsage() {
        Map<String, long[]> totals = new HashMap<>();
        List<ChannelUsage> records = new ArrayList<>();
        stats.readValuesToList().forEach(v -> records.add(ChannelUsageCodec.decode(v)));
        for (ChannelUsage u : records) {
            assertThat(Duration.between(u.windowStart(), u.windowEnd())).isEqualTo(Duration.ofMinutes(1));
            totals.put(u.channel() + "@" + u.windowStart(), new long[] {u.events(), u.bytes()});
        }
        return totals;
    }

    private double count(String kind) {
        return registry.get("herald.streams.log.records").tag("kind", kind).counter().count();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
