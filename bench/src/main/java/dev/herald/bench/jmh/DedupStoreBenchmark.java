package dev.herald.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.herald.edge.EdgeConfig;
import dev.herald.fanout.Admission;
import dev.herald.fanout.EventStore;
import dev.herald.fanout.StoreSettings;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The edge's dedup index of event ids: {@link EventStore} on a real RocksDB in a temporary folder,
 * with the edge's default settings (10-minute window, 256 MiB cap, 1,000 events of history per
 * channel). Hot because the edge's one poll thread looks up the id of every event it consumes
 * and, when the id is new, stores it, with the event's frame in the channel's history, in one
 * write batch per poll; a resume also looks up each event it replays.
 *
 * <p>Before measuring, {@code storedIds} ids are admitted as the edge admits them, in polls of
 * {@value #PREFILL_POLL_EVENTS} events (Kafka's {@code max.poll.records} default) over
 * {@value #CHANNELS} channels, enough to fill every channel's history, so that each new event
 * also trims its channel's oldest, as on a busy edge. {@code lookupPresent} finds one of them, in
 * random order; {@code lookupAbsent} looks for an id never stored, which is the check of every
 * new event; {@code admitNew} admits polls of {@value #POLL_EVENTS} new events and commits each,
 * reported per event, with the default history and with none ({@code history.per.channel=0}: the
 * dedup index alone). Writer thread only: run it with one thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DedupStoreBenchmark {

    /** Events of each measured poll. */
    static final int POLL_EVENTS = 100;
    static final int PREFILL_POLL_EVENTS = 500;
    static final int CHANNELS = 100;

    /** Where a stored id was first seen. */
    @Benchmark
    public long[] lookupPresent(Filled store) {
        return store.firstSeen(store.nextPresent());
    }

    /** An id never stored: {@code null}. */
    @Benchmark
    public long[] lookupAbsent(Filled store) {
        return store.firstSeen(store.nextAbsent());
    }

    /** A poll of new events, each looked up and staged with its frame, then all written at once: how many were new. */
    @Benchmark
    @OperationsPerInvocation(POLL_EVENTS)
    public int admitNew(Inserts store) {
        return store.admit(POLL_EVENTS);
    }

    /** A store in a temporary folder with the edge's default settings, holding {@code storedIds} ids. */
    @State(Scope.Benchmark)
    public static class Filled {

        /** Absent ids cycled through; a power of two. */
        private static final int ABSENT_IDS = 1 << 16;
        /** Ids with {@code n} from here on are never stored. */
        private static final long ABSENT_BASE = 1L << 40;

        @Param("500000")
        int storedIds;

        private Path dir;
        private EventStore store;
        private long nowMs;
        private byte[] frame;
        private String[] channels;
        private Key[] present;
        private Key[] absent;
        private int nextPresent;
        private int nextAbsent;
        /** The {@code n} of the next new id, also its offset. */
        private long nextNew;

        /** The store's {@code history.per.channel}: the edge's default. */
        int historyPerChannel(EdgeConfig defaults) {
            return defaults.getInt(EdgeConfig.HISTORY_PER_CHANNEL);
        }

        @Setup
        public void fill() throws IOException {
            dir = Files.createTempDirectory("herald-jmh-store");
            EdgeConfig defaults = new EdgeConfig(Map.of());
            store = EventStore.open(dir, new StoreSettings(defaults.getLong(EdgeConfig.DEDUP_WINDOW_MS),
                    defaults.getLong(EdgeConfig.DEDUP_MAX_BYTES), historyPerChannel(defaults)));
            store.useEpoch(SampleEvents.epoch());
            nowMs = System.currentTimeMillis();
            frame = FrameCodec.eventFrame(SampleEvents.event("prices-42", SampleEvents.JSON, 100),
                    PositionCodec.encode(new Position(SampleEvents.epoch(), 3, 123_456_789L)));
            channels = LongStream.range(0, CHANNELS).mapToObj(c -> "prices-" + c).toArray(String[]::new);
            while (nextNew < storedIds) {
                int events = Math.min(PREFILL_POLL_EVENTS, storedIds - (int) nextNew);
                if (admit(events) != events) {
                    throw new IllegalStateException("the store took a new id for a duplicate");
                }
            }
            present = LongStream.range(0, storedIds).mapToObj(this::key).toArray(Key[]::new);
            Collections.shuffle(Arrays.asList(present), new Random(1));
            absent = LongStream.range(ABSENT_BASE, ABSENT_BASE + ABSENT_IDS).mapToObj(this::key).toArray(Key[]::new);
        }

        @TearDown
        public void delete() throws RocksDBException, IOException {
            store.close();
            try (Options options = new Options()) {
                RocksDB.destroyDB(dir.toString(), options);
            }
            Files.deleteIfExists(dir);
        }

        /** The dedup key of event {@code n}: its channel (as {@link #admit} picks it) and id. */
        private Key key(long n) {
            return new Key(channels[(int) (n % CHANNELS)], SampleEvents.id(nowMs, n));
        }

        long[] firstSeen(Key key) {
            return store.firstSeen(key.channel(), key.id(), nowMs);
        }

        /** The next stored id, in a random order. */
        Key nextPresent() {
            Key id = present[nextPresent];
            nextPresent = nextPresent + 1 == present.length ? 0 : nextPresent + 1;
            return id;
        }

        Key nextAbsent() {
            return absent[nextAbsent++ & (ABSENT_IDS - 1)];
        }

        /** Admits and commits {@code events} new events, as one poll of the fanout consumer does; returns how many were new. */
        int admit(int events) {
            int admitted = 0;
            try (EventStore.Batch batch = store.batch(nowMs)) {
                for (int i = 0; i < events; i++) {
                    long n = nextNew++;
                    int channel = (int) (n % CHANNELS);
                    if (batch.admit(SampleEvents.id(nowMs, n), channels[channel], channel % SampleEvents.PARTITIONS, n, frame)
                            == Admission.NEW) {
                        admitted++;
                    }
                }
                batch.commit();
            }
            return admitted;
        }
    }

    /** A {@link Filled} store whose history per channel is a parameter. */
    @State(Scope.Benchmark)
    public static class Inserts extends Filled {

        /** 1,000: the edge's default; 0: no history, the dedup index alone. */
        @Param({"1000", "0"})
        int historyPerChannel;

        @Override
        int historyPerChannel(EdgeConfig defaults) {
            return historyPerChannel;
        }
    }

    /** One event's dedup key. */
    record Key(String channel, String id) {
    }
}
