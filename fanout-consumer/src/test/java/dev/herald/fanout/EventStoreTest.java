package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.schemas.Epoch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

/** The edge's RocksDB store on a real database: dedup by (channel, id), atomic batches, trims, coverage, epochs, bounded caches. */
class EventStoreTest {

    private static final long WINDOW_MS = 60_000;
    private static final Epoch EPOCH = new Epoch(UUID.fromString("00000000-0000-0000-0000-000000000001"), 3);
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private static byte[] frame(long offset) {
        return ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static EventStore open(Path dir, int historyPerChannel) {
        EventStore store = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, historyPerChannel));
        store.useEpoch(EPOCH);
        store.beginPartition(0, 0);
        return store;
    }

    private static Admission admitOne(EventStore store, String id, String channel, long offset, long nowMs) {
        try (EventStore.Batch batch = store.batch(nowMs)) {
            Admission a = batch.admit(id, channel, 0, offset, frame(offset));
            batch.commit();
            return a;
        }
    }

    private static List<Long> offsets(HistoryRead read) {
        return read.frames().stream().map(StoredFrame::offset).toList();
    }

    /**
     * A lost store started again at offset 10 (its coverage begins there); a history replay then
     * restores offsets 0..9 in two batches, the newer first: each channel keeps its newest entries
     * whatever order they came in, an offset at or below the trim point is not kept, and once the
     * range is restored the coverage moves back to its start, so that history is complete from there.
     */
    @Test
    void aRestoreOfOlderRecordsKeepsTheNewestEntriesAndMovesCoverageBackToTheRangesStart() {
        try (EventStore store = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, 8))) {
            store.useEpoch(EPOCH);
            store.beginPartition(0, 10);
            for (long o = 10; o < 13; o++) {
                assertThat(admitOne(store, "live-" + o, "c", o, T0)).isEqualTo(Admission.NEW);
            }
            assertThat(store.history("c", 0, 4, 100).complete()).as("before the rebuild").isFalse();
            restore(store, 5, 10);
            restore(store, 0, 5);
            assertThat(offsets(store.history("c", 0, 4, 100))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(store.history("c", 0, 4, 100).complete()).as("coverage not moved yet").isFalse();

            assertThat(store.extendCoverage(0, 0, 10)).isTrue();
            assertThat(store.coverageStart(0)).isZero();
            HistoryRead fromTrim = store.history("c", 0, 4, 100);
            assertThat(fromTrim.complete()).as("complete after the trimmed offset 4").isTrue();
            assertThat(store.history("c", 0, 3, 100).complete()).as("offset 4 was trimmed").isFalse();
            try (EventStore.Batch batch = store.batch(T0)) {
                assertThat(batch.restore("old-4", "c", 0, 4, frame(4))).isEqualTo(Admission.REREAD);
                assertThat(batch.restore("other-3", "c", 0, 3, frame(3))).as("new id, below the trim").isEqualTo(Admission.NEW);
                batch.commit();
            }
            assertThat(offsets(store.history("c", 0, -1, 100))).as("nothing kept at or below the trim point")
                    .containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(store.extendCoverage(0, 0, 5)).as("coverage began before the range already").isFalse();
        }
    }

    /**
     * A replay's batch is looked up all at once (one multiGet per family), yet each record is
     * decided as if it came alone, after those before it: a repeat of an earlier record of the
     * batch is a re-read, its id at another offset a duplicate, an id the store holds a re-read or
     * a duplicate by offset, the same id in another channel a new event.
     */
    @Test
    void aBatchRestoreDecidesEachRecordAsOneByOneWould() {
        try (EventStore store = open(dir, 10)) {
            assertThat(admitOne(store, "live-1", "c", 20, T0)).isEqualTo(Admission.NEW);
            try (EventStore.Batch batch = store.batch(T0)) {
                assertThat(batch.restore(List.of(
                        new HistoryRestore.Entry("old-0", "c", 0, 0, frame(0)),
                        new HistoryRestore.Entry("old-1", "c", 0, 1, frame(1)),
                        new HistoryRestore.Entry("old-0", "c", 0, 0, frame(0)),
                        new HistoryRestore.Entry("old-1", "c", 0, 5, frame(5)),
                        new HistoryRestore.Entry("live-1", "c", 0, 20, frame(20)),
                        new HistoryRestore.Entry("live-1", "d", 0, 21, frame(21)),
                        new HistoryRestore.Entry("live-1", "c", 0, 3, frame(3)))))
                        .containsExactly(Admission.NEW, Admission.NEW, Admission.REREAD, Admission.DUPLICATE, Admission.REREAD,
                                Admission.NEW, Admission.DUPLICATE);
                batch.commit();
            }
            assertThat(offsets(store.history("c", 0, -1, 100))).containsExactly(0L, 1L, 20L);
            assertThat(offsets(store.history("d", 0, -1, 100))).containsExactly(21L);
            assertThat(store.firstSeen("c", "old-1", T0)).containsExactly(0, 1);
        }
    }

    /**
     * A frame the history holds already, whose id the dedup index forgot (its window passed), is
     * stored as new but counted once: the channel's count stays right, so the next live event
     * trims one entry, not the whole history.
     */
    @Test
    void aFrameRestoredAgainAfterItsIdAgedOutIsNotCountedTwice() {
        try (EventStore store = open(dir, 4)) {
            restore(store, 0, 4);
            long later = T0 + WINDOW_MS + 1;
            try (EventStore.Batch batch = store.batch(later)) {
                for (long o = 0; o < 4; o++) {
                    assertThat(batch.restore("old-" + o, "c", 0, o, frame(o))).as("id forgotten").isEqualTo(Admission.NEW);
                }
                batch.commit();
            }
            assertThat(admitOne(store, "live-4", "c", 4, later)).isEqualTo(Admission.NEW);
            assertThat(offsets(store.history("c", 0, -1, 100))).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    private static void restore(EventStore store, long from, long to) {
        try (EventStore.Batch batch = store.batch(T0)) {
            for (long o = from; o < to; o++) {
                assertThat(batch.restore("old-" + o, "c", 0, o, frame(o))).isEqualTo(Admission.NEW);
            }
            batch.commit();
        }
    }

    /** Regression: the index was keyed by id alone, so the same Idempotency-Key on a second channel dropped that channel's event. */
    @Test
    void theSameIdOnTwoChannelsIsTwoEvents() {
        try (EventStore store = open(dir, 10)) {
            assertThat(admitOne(store, "order-42", "a", 0, T0)).isEqualTo(Admission.NEW);
            assertThat(admitOne(store, "order-42", "b", 1, T0)).isEqualTo(Admission.NEW);
            assertThat(admitOne(store, "order-42", "b", 2, T0)).as("a real repeat on b").isEqualTo(Admission.DUPLICATE);
            assertThat(store.firstSeen("a", "order-42", T0)).containsExactly(0, 0);
            assertThat(store.firstSeen("b", "order-42", T0)).containsExactly(0, 1);
            assertThat(offsets(store.history("b", 0, -1, 10))).containsExactly(1L);
        }
    }

    @Test
    void theSameIdTwiceInOneBatchIsADuplicateOnlyWithinItsChannel() {
        try (EventStore store = open(dir, 10); EventStore.Batch batch = store.batch(T0)) {
            assertThat(batch.admit("k", "a", 0, 0, frame(0))).isEqualTo(Admission.NEW);
            assertThat(batch.admit("k", "b", 0, 1, frame(1))).isEqualTo(Admission.NEW);
            assertThat(batch.admit("k", "a", 0, 2, frame(2))).isEqualTo(Admission.DUPLICATE);
            batch.commit();
        }
    }

    @Test
    void aRecordReadAgainAtItsOwnOffsetIsARereadNotADuplicate() {
        try (EventStore store = open(dir, 10)) {
            assertThat(admitOne(store, "e1", "a", 5, T0)).isEqualTo(Admission.NEW);
            assertThat(admitOne(store, "e1", "a", 5, T0 + 1)).isEqualTo(Admission.REREAD);
            assertThat(admitOne(store, "e1", "a", 6, T0 + 1)).isEqualTo(Admission.DUPLICATE);
            assertThat(offsets(store.history("a", 0, -1, 10))).as("a reread stores nothing twice").containsExactly(5L);
        }
    }

    @Test
    void anIdIsForgottenOnceTheWindowHasPassed() {
        try (EventStore store = open(dir, 10)) {
            admitOne(store, "e1", "a", 0, T0);
            assertThat(store.firstSeen("a", "e1", T0 + WINDOW_MS)).isNotNull();
            assertThat(store.firstSeen("a", "e1", T0 + WINDOW_MS + 1)).isNull();
            assertThat(admitOne(store, "e1", "a", 9, T0 + WINDOW_MS + 1)).isEqualTo(Admission.NEW);
        }
    }

    /**
     * Regression: trimming was a second write after the batch. When it failed (a full disk) the
     * consumer rewound, and the re-read records were in the dedup index already: dropped as
     * duplicates, a silent gap. Whichever write fails now, nothing of the batch is stored.
     */
    @Test
    void aFailedWriteLeavesNothingOfTheBatchSoARetryAdmitsEveryEventAsNew() {
        for (int failing = 1; failing <= 2; failing++) {
            Path storeDir = dir.resolve("fail-" + failing);
            AtomicInteger writes = new AtomicInteger();
            AtomicInteger failOn = new AtomicInteger(Integer.MAX_VALUE);
            EventStore.StoreWriter faulty = (db, options, batch) -> {
                if (writes.incrementAndGet() == failOn.get()) {
                    throw new RocksDBException("No space left on device (injected)");
                }
                db.write(options, batch);
            };
            try (EventStore store = EventStore.open(storeDir, new StoreSettings(WINDOW_MS, 64L << 20, 2), faulty)) {
                store.useEpoch(EPOCH);
                store.beginPartition(0, 0);
                for (long o = 0; o < 2; o++) {
                    admitOne(store, "old-" + o, "a", o, T0); // fills the history: the next batch trims
                }
                failOn.set(writes.get() + failing); // the first, then the second write of the next commit
                try (EventStore.Batch batch = store.batch(T0)) {
                    assertThat(batch.admit("new-2", "a", 0, 2, frame(2))).isEqualTo(Admission.NEW);
                    assertThat(batch.admit("new-3", "a", 0, 3, frame(3))).isEqualTo(Admission.NEW);
                    if (failing == 1) {
                        assertThatThrownBy(batch::commit).isInstanceOf(StoreException.class).hasMessageContaining("No space left");
                    } else {
                        batch.commit(); // one write: there is no second write to fail
                    }
                }
                if (failing == 1) {
                    try (EventStore.Batch retry = store.batch(T0)) {
                        assertThat(retry.admit("new-2", "a", 0, 2, frame(2))).as("retry after failed write").isEqualTo(Admission.NEW);
                        assertThat(retry.admit("new-3", "a", 0, 3, frame(3))).isEqualTo(Admission.NEW);
                        retry.commit();
                    }
                }
                assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(2L, 3L);
                assertThat(store.history("a", 0, 1, 10).complete()).isTrue();
                assertThat(store.history("a", 0, 0, 10).complete()).as("offset 1 was trimmed").isFalse();
            }
        }
    }

    @Test
    void historyKeepsTheNewestEntriesPerChannelEvenWhenOneBatchAddsMoreThanTheBound() {
        try (EventStore store = open(dir, 3)) {
            try (EventStore.Batch batch = store.batch(T0)) {
                for (long o = 0; o < 5; o++) {
                    batch.admit("e" + o, "a", 0, o, frame(o));
                }
                batch.admit("x", "b", 0, 5, frame(5));
                batch.commit();
            }
            assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(2L, 3L, 4L);
            assertThat(store.history("a", 0, -1, 10).complete()).isFalse();
            assertThat(store.history("a", 0, 1, 10).complete()).isTrue();
            assertThat(offsets(store.history("b", 0, -1, 10))).containsExactly(5L);
            admitOne(store, "e6", "a", 6, T0);
            assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(3L, 4L, 6L);
        }
    }

    @Test
    void historyIsCompleteOnlyFromWhereThisStoreBeganReceivingThePartition() {
        try (EventStore store = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, 10))) {
            store.useEpoch(EPOCH);
            store.beginPartition(0, 100);
            admitOne(store, "e", "a", 100, T0);
            assertThat(store.history("a", 0, 99, 10).complete()).isTrue();
            assertThat(store.history("a", 0, 98, 10).complete()).as("offset 99 was never received here").isFalse();
            // a consumer that skips ahead of what the store processed restarts coverage there
            store.beginPartition(0, 200);
            assertThat(store.history("a", 0, 150, 10).complete()).isFalse();
            assertThat(store.history("a", 0, 199, 10).complete()).isTrue();
        }
    }

    /** A re-created topic is a new log: an id seen in the old one at the same place is a new record there, stored and delivered. */
    @Test
    void aNewEpochDropsHistoryCoverageAndTheDedupIndexOfTheOldOne() {
        try (EventStore store = open(dir, 10)) {
            admitOne(store, "kafka-0-0", "a", 0, T0);
            store.useEpoch(new Epoch(UUID.fromString("00000000-0000-0000-0000-000000000002"), 3));
            assertThat(store.history("a", 0, -1, 10).frames()).isEmpty();
            assertThat(store.history("a", 0, -1, 10).complete()).isFalse();
            assertThat(store.firstSeen("a", "kafka-0-0", T0)).isNull();
            store.beginPartition(0, 0);
            assertThat(admitOne(store, "kafka-0-0", "a", 0, T0)).isEqualTo(Admission.NEW);
            assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(0L);
        }
        try (EventStore reopened = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, 10))) {
            assertThat(reopened.firstSeen("a", "kafka-0-0", T0)).as("the new index survives a reopen").isNotNull();
        }
    }

    @Test
    void theChannelCacheIsBoundedAndAnEvictedChannelIsCountedAgainFromDisk() {
        try (EventStore store = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, 2, 10))) {
            store.useEpoch(EPOCH);
            store.beginPartition(0, 0);
            long offset = 0;
            admitOne(store, "first", "kept", offset++, T0);
            admitOne(store, "second", "kept", offset++, T0);
            for (int c = 0; c < 1_000; c++) {
                admitOne(store, "e", "channel-" + c, offset++, T0);
            }
            assertThat(store.cachedChannels()).isLessThanOrEqualTo(10);
            admitOne(store, "third", "kept", offset, T0);
            assertThat(offsets(store.history("kept", 0, -1, 10))).as("counted from disk: still trimmed to 2").containsExactly(1L, offset);
        }
    }

    @Test
    void aStoreReopenedFromDiskRemembersIdsHistoryAndTrims() {
        try (EventStore store = open(dir, 2)) {
            for (long o = 0; o < 3; o++) {
                admitOne(store, "e" + o, "a", o, T0);
            }
        }
        try (EventStore store = EventStore.open(dir, new StoreSettings(WINDOW_MS, 64L << 20, 2))) {
            store.useEpoch(EPOCH);
            store.beginPartition(0, 3);
            assertThat(store.firstSeen("a", "e0", T0)).containsExactly(0, 0);
            assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(1L, 2L);
            admitOne(store, "e3", "a", 3, T0);
            assertThat(offsets(store.history("a", 0, -1, 10))).containsExactly(2L, 3L);
        }
    }
}
