package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.herald.fanout.Admission;
import dev.herald.fanout.EventStore;
import dev.herald.fanout.StoreSettings;
import dev.herald.fanout.StoredFrame;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.HeaderField;
import dev.herald.schemas.LogControl;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RecordMapping;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume reader on a real broker and a real store: history pages, the log when history does
 * not reach back, the switch to the log when history is trimmed during a replay, duplicates the
 * live path dropped, and the bound on records scanned.
 */
class ResumeReaderTest {

    private static final String CHANNEL = "c";
    private static final int HISTORY = 4;

    @TempDir
    static Path brokerDir;
    static EmbeddedKafkaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;

    @TempDir
    Path storeDir;
    private String topic;
    private Epoch epoch;
    private EventStore store;
    private final List<Event> published = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder(brokerDir).build().start();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.stop();
    }

    @BeforeEach
    void topicAndStore() throws Exception {
        topic = "log-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            // a topic just created may not be in every broker's metadata yet: describe until it is
            var id = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId(), t -> t != null);
            epoch = new Epoch(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()), 1);
        }
        store = EventStore.open(storeDir, new StoreSettings(600_000, 64L << 20, HISTORY));
        store.useEpoch(epoch);
        store.beginPartition(0, 0);
    }

    /** Appends an event of about 400 bytes to the log, then stores it as the edge's poll thread would; returns its admission. */
    private Admission publishAndConsume(String id) throws Exception {
        Event e = new Event(id, CHANNEL, Event.DEFAULT_TYPE, "test", Instant.now(), "application/json",
                ("{\"pad\":\"" + "x".repeat(300) + "\",\"n\":" + published.size() + "}").getBytes(StandardCharsets.UTF_8));
        List<Header> headers = new ArrayList<>();
        for (HeaderField h : RecordMapping.headers(e)) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        long offset = producer.send(new ProducerRecord<>(topic, 0, RecordMapping.key(e), e.payload(), headers)).get().offset();
        assertThat(offset).isEqualTo(published.size());
        published.add(e);
        try (EventStore.Batch batch = store.batch(System.currentTimeMillis())) {
            Admission a = batch.admit(id, CHANNEL, 0, offset, FrameCodec.eventFrame(e, PositionCodec.encode(new Position(epoch, 0, offset))));
            batch.commit();
            return a;
        }
    }

    /** Appends a control record of the channel (clear-latest) to the log, as ingest's DELETE of its latest value does. */
    private void appendControl() throws Exception {
        HeaderField control = LogControl.CLEAR_LATEST.header();
        long offset = producer.send(new ProducerRecord<>(topic, 0, CHANNEL.getBytes(StandardCharsets.UTF_8), new byte[0],
                List.of(new RecordHeader(control.key(), control.value())))).get().offset();
        assertThat(offset).isEqualTo(published.size());
        published.add(null); // an offset, but no event
    }

    private ResumeReader reader(long maxRecords) {
        return new ResumeReader(store, broker.bootstrapServers(), Map.of(), topic, epoch, Clock.systemUTC(), 1, maxRecords, 1024);
    }

    private static List<Long> drain(ResumeReader.Replay replay, List<Integer> pageSizes) {
        List<Long> offsets = new ArrayList<>();
        for (List<StoredFrame> page = replay.next(); !page.isEmpty(); page = replay.next()) {
            pageSizes.add(page.size());
            page.forEach(f -> offsets.add(f.offset()));
        }
        return offsets;
    }

    @Test
    void aReplayThatHistoryHoldsIsReadFromItInPagesOfBoundedBytes() throws Exception {
        for (int i = 0; i < 8; i++) {
            publishAndConsume("e" + i);
        }
        try (ResumeReader reader = reader(1_000); ResumeReader.Replay replay = reader.open(CHANNEL, 0, 3, 7)) {
            assertThat(replay.reason()).isNull();
            List<Integer> pages = new ArrayList<>();
            assertThat(drain(replay, pages)).containsExactly(4L, 5L, 6L, 7L);
            assertThat(pages).as("two 400-byte frames per 1 KiB page").containsExactly(2, 2);
            assertThat(reader.openLogReaders()).as("history needs no Kafka consumer").isZero();
        }
    }

    /** History trimmed past a replay while it runs (a busy channel, a slow client) must not leave a gap: the rest comes from the log. */
    @Test
    void historyTrimmedDuringTheReplayIsFollowedFromTheLogWithoutAGap() throws Exception {
        for (int i = 0; i < 8; i++) {
            publishAndConsume("e" + i);
        }
        try (ResumeReader reader = reader(1_000); ResumeReader.Replay replay = reader.open(CHANNEL, 0, 3, 7)) {
            List<Long> offsets = new ArrayList<>();
            replay.next().forEach(f -> offsets.add(f.offset()));
            assertThat(offsets).containsExactly(4L, 5L);
            for (int i = 8; i < 12; i++) {
                publishAndConsume("e" + i); // trims 4..7 from history
            }
            offsets.addAll(drain(replay, new ArrayList<>()));
            assertThat(offsets).startsWith(4L, 5L, 6L, 7L).isSorted().doesNotHaveDuplicates();
            assertThat(offsets.get(offsets.size() - 1) - offsets.get(0) + 1).as("no gap").isEqualTo(offsets.size());
        }
    }

    @Test
    void aReplayOlderThanHistoryIsReadFromTheLogWithOneReusedConsumerAndSkipsDuplicatesTheLivePathDropped() throws Exception {
        for (int i = 0; i < 8; i++) {
            publishAndConsume("e" + i);
        }
        assertThat(publishAndConsume("e5")).as("a producer's retry of e5 at offset 8").isEqualTo(Admission.DUPLICATE);
        publishAndConsume("e9");
        try (ResumeReader reader = reader(1_000)) {
            for (int round = 0; round < 2; round++) {
                try (ResumeReader.Replay replay = reader.open(CHANNEL, 0, 0, 9)) {
                    assertThat(replay.reason()).isNull();
                    List<Integer> pages = new ArrayList<>();
                    assertThat(drain(replay, pages)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 9L);
                    assertThat(pages).allMatch(n -> n <= ResumeReader.PAGE_EVENTS);
                }
            }
            assertThat(reader.openLogReaders()).isEqualTo(1);
        }
    }

    @Test
    void aLogReadOfMoreRecordsThanTheBoundIsRefusedUpFront() throws Exception {
        for (int i = 0; i < 8; i++) {
            publishAndConsume("e" + i);
        }
        try (ResumeReader reader = reader(5)) {
            try (ResumeReader.Replay far = reader.open(CHANNEL, 0, 0, 7)) {
                assertThat(far.reason().wire()).isEqualTo("too-far-behind");
                assertThat(far.next()).isEmpty();
            }
            try (ResumeReader.Replay near = reader.open(CHANNEL, 0, 2, 7)) {
                assertThat(near.reason()).as("5 records after offset 2").isNull();
                assertThat(drain(near, new ArrayList<>())).containsExactly(3L, 4L, 5L, 6L, 7L);
            }
        }
    }

    @Test
    void aReplayFromTheLogSkipsAControlRecordOfTheChannel() throws Exception {
        for (int i = 0; i < 3; i++) {
            publishAndConsume("e" + i);
        }
        appendControl();
        for (int i = 4; i < 9; i++) {
            publishAndConsume("e" + i);
        }
        try (ResumeReader reader = reader(1_000); ResumeReader.Replay replay = reader.open(CHANNEL, 0, 0, 8)) {
            assertThat(replay.reason()).isNull();
            assertThat(drain(replay, new ArrayList<>())).as("offset 3 is the control record").containsExactly(1L, 2L, 4L, 5L, 6L, 7L, 8L);
            assertThat(reader.openLogReaders()).as("history (4 events) does not reach back to offset 1").isEqualTo(1);
        }
    }
}
