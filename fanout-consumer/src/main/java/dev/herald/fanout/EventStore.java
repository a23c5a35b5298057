package dev.herald.fanout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.herald.schemas.Epoch;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * An edge's local store: what it has seen (dedup) and each channel's recent history.
 *
 * <pre>
 * RocksDB layout, one column family per concern:
 *
 *   default   "epoch"                      -> topic id (16) | partition count (2)
 *             "next"     | partition (4)   -> next offset to process (8): everything below is stored
 *             "coverage" | partition (4)   -> first offset from which every record is stored (8)
 *   dedup     event id (UTF-8)             -> seen at ms (8) | partition (4) | offset (8)
 *   history   channel | 0x00 | offset (8)  -> encoded event frame
 *   trim      channel                      -> highest offset trimmed from the channel's history (8)
 * </pre>
 *
 * Offsets are big-endian so byte order is offset order and a prefix seek on {@code channel|0x00}
 * walks a channel's history in order (channel names never contain 0x00). The dedup family uses
 * FIFO compaction with a TTL of the dedup window and a size cap, so the index stays bounded by
 * both without a sweeper; a lookup also checks the stored time, since FIFO drops files lazily.
 * History is bounded per channel: past {@code historyPerChannel} entries the oldest is deleted
 * and its offset recorded in {@code trim}. A channel's history is complete after an offset
 * {@code o} when {@code o >= trim(channel)} and {@code o + 1 >= coverage(partition)}; coverage
 * starts where this store began receiving a partition and restarts if the consumer ever skips
 * ahead of {@code next}. A new epoch (topic re-created or re-partitioned) drops history, trim and
 * coverage, whose offsets mean nothing in it.
 *
 * <p>Threading: one writer (the poll thread) calls {@link #batch}, {@link #beginPartition},
 * {@link #useEpoch} and {@link #reopen}; {@link #history} and {@link #firstSeen} may be called
 * from any thread.
 *
 * <p>Failures: once a write fails for an I/O reason (disk full, say), RocksDB refuses every later
 * write, even after the cause is gone, until the database is opened again; RocksJava has no
 * {@code Resume()}. {@link #reopen} does that, under a lock that keeps readers out meanwhile.
 */
public final class EventStore implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] EPOCH_KEY = "epoch".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_PREFIX = "next".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COVERAGE_PREFIX = "coverage".getBytes(StandardCharsets.US_ASCII);

    private final StoreSettings settings;
    private final Path dir;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    private final List<ColumnFamilyDescriptor> descriptors;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    /** Readers hold it shared; {@link #reopen} exclusively. The writer thread is the only one that reopens. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // Replaced by reopen: written by the writer thread under the write lock; other threads read them under the read lock.
    private RocksDB db;
    private ColumnFamilyHandle meta;
    private ColumnFamilyHandle dedup;
    private ColumnFamilyHandle history;
    private ColumnFamilyHandle trim;
    private final WriteOptions writeOptions = new WriteOptions();
    private final Map<Integer, Long> coverage = new ConcurrentHashMap<>();
    private final Map<String, Integer> historyCounts = new HashMap<>();
    /** Each channel's highest trimmed offset, as in the trim family (-1: none); the writer's cache. */
    private final Map<String, Long> trimmedOffsets = new HashMap<>();

    private EventStore(Path dir, StoreSettings settings) throws RocksDBException {
        this.settings = settings;
        this.dir = dir;
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions plain = track(new ColumnFamilyOptions());
        CompactionOptionsFIFO fifo = new CompactionOptionsFIFO().setMaxTableFilesSize(settings.dedupMaxBytes());
        ColumnFamilyOptions dedupOptions = track(new ColumnFamilyOptions()
                .setCompactionStyle(CompactionStyle.FIFO)
                .setCompactionOptionsFIFO(fifo)
                .setTtl(Math.max(1, settings.dedupWindowMs() / 1000))
                .setWriteBufferSize(Math.min(settings.dedupMaxBytes() / 4, 16L << 20)));
        descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, plain),
                new ColumnFamilyDescriptor("dedup".getBytes(StandardCharsets.US_ASCII), dedupOptions),
                new ColumnFamilyDescriptor("history".getBytes(StandardCharsets.US_ASCII), track(new ColumnFamilyOptions())),
                new ColumnFamilyDescriptor("trim".getBytes(StandardCharsets.US_ASCII), track(new ColumnFamilyOptions())));
        openDb();
    }

    private void openDb() throws RocksDBException {
        handles.clear();
        db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        meta = handles.get(0);
        dedup = handles.get(1);
        history = handles.get(2);
        trim = handles.get(3);
    }

    private void closeDb() {
        if (db != null) {
            handles.forEach(ColumnFamilyHandle::close);
            handles.clear();
            db.close();
            db = null;
        }
    }

    /**
     * Closes and opens the database again, which clears a failed write's error state. Nothing
     * acknowledged by an earlier write is lost (RocksDB replays its log). Writer thread only.
     *
     * @throws StoreException if it cannot be opened (the fault persists); the store then refuses
     *                        every call until a later reopen succeeds
     */
    public void reopen() {
        lock.writeLock().lock();
        try {
            closeDb();
            openDb();
        } catch (RocksDBException e) {
            throw new StoreException("cannot reopen the edge store in " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The open database; fails when a reopen failed. Callers on other threads hold the read lock. */
    private RocksDB db() {
        RocksDB current = db;
        if (current == null) {
            throw new StoreException("the edge store in " + dir + " is closed after a failed reopen");
        }
        return current;
    }

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws StoreException if RocksDB cannot open it
     */
    public static EventStore open(Path dir, StoreSettings settings) {
        try {
            Files.createDirectories(dir);
            return new EventStore(dir, settings);
        } catch (Exception e) {
            throw new StoreException("cannot open the edge store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code epoch} the store's epoch; if it differs from the stored one, drops the history
     * and coverage that belong to the old one. Writer thread only.
     */
    public void useEpoch(Epoch epoch) {
        byte[] encoded = ByteBuffer.allocate(18).putLong(epoch.topicId().getMostSignificantBits())
                .putLong(epoch.topicId().getLeastSignificantBits()).putShort((short) epoch.partitionCount()).array();
        try {
            byte[] stored = db().get(meta, EPOCH_KEY);
            if (stored != null && java.util.Arrays.equals(stored, encoded)) {
                return;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(history, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                batch.deleteRange(trim, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                batch.deleteRange(meta, NEXT_PREFIX, prefixEnd(NEXT_PREFIX));
                batch.deleteRange(meta, COVERAGE_PREFIX, prefixEnd(COVERAGE_PREFIX));
                batch.put(meta, EPOCH_KEY, encoded);
                db().write(writeOptions, batch);
            }
            coverage.clear();
            historyCounts.clear();
            trimmedOffsets.clear();
        } catch (RocksDBException e) {
            throw new StoreException("cannot record the log epoch: " + e.getMessage(), e);
        }
    }

    /**
     * Tells the store the consumer will read {@code partition} from {@code offset} on. If that is
     * ahead of what the store holds, history coverage for the partition restarts at {@code offset}.
     * Writer thread only.
     */
    public void beginPartition(int partition, long offset) {
        try {
            byte[] next = db().get(meta, partitionKey(NEXT_PREFIX, partition));
            byte[] covered = db().get(meta, partitionKey(COVERAGE_PREFIX, partition));
            long start;
            if (covered == null || next == null || offset > ByteBuffer.wrap(next).getLong()) {
                start = offset;
                db().put(meta, writeOptions, partitionKey(COVERAGE_PREFIX, partition), longBytes(start));
            } else {
                start = ByteBuffer.wrap(covered).getLong();
            }
            coverage.put(partition, start);
        } catch (RocksDBException e) {
            throw new StoreException("cannot record partition coverage: " + e.getMessage(), e);
        }
    }

    /** Starts a batch of writes for one poll. Writer thread only. */
    public Batch batch(long nowMs) {
        return new Batch(nowMs);
    }

    /**
     * Where the event {@code id} was first seen within the dedup window, or {@code null} if it
     * was not. Thread-safe.
     *
     * @return {@code long[]{partition, offset}}
     */
    public long[] firstSeen(String id, long nowMs) {
        lock.readLock().lock();
        try {
            byte[] v = db().get(dedup, id.getBytes(StandardCharsets.UTF_8));
            if (v == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(v);
            long at = b.getLong();
            if (nowMs - at > settings.dedupWindowMs()) {
                return null;
            }
            return new long[] {b.getInt(), b.getLong()};
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the dedup index: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The stored events of {@code channel} after {@code afterOffset}, at most {@code limit}, and
     * whether they are all of them. Thread-safe.
     */
    public HistoryRead history(String channel, int partition, long afterOffset, int limit) {
        Long covered = coverage.get(partition);
        byte[] prefix = channelPrefix(channel);
        List<StoredFrame> frames = new ArrayList<>();
        lock.readLock().lock();
        try {
            byte[] trimmed = db().get(trim, channel.getBytes(StandardCharsets.UTF_8));
            boolean complete = covered != null && afterOffset + 1 >= covered
                    && (trimmed == null || afterOffset >= ByteBuffer.wrap(trimmed).getLong());
            // never below the trimmed part: seeking there would walk the trim's tombstones
            long from = Math.max(afterOffset, trimmed == null ? -1 : ByteBuffer.wrap(trimmed).getLong()) + 1;
            byte[] start = historyKey(prefix, Math.max(0, from));
            try (Slice upper = new Slice(prefixEnd(prefix));
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                 RocksIterator it = db().newIterator(history, ro)) {
                for (it.seek(start); it.isValid() && frames.size() < limit; it.next()) {
                    long offset = ByteBuffer.wrap(it.key(), prefix.length, 8).getLong();
                    frames.add(new StoredFrame(partition, offset, it.value()));
                }
                it.status();
            }
            return new HistoryRead(complete, frames);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read history of " + channel + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closeDb();
        } finally {
            lock.writeLock().unlock();
        }
        writeOptions.close();
        dbOptions.close();
        cfOptions.forEach(ColumnFamilyOptions::close);
    }

    /**
     * The writes of one poll, applied together by {@link #commit()}: nothing of a batch is
     * stored unless all of it is, so a failed write can simply be retried from the same records.
     */
    public final class Batch implements AutoCloseable {

        private final long nowMs;
        private final WriteBatch batch = new WriteBatch();
        private final Set<String> idsInBatch = new HashSet<>();
        private final Map<String, Integer> pendingCounts = new HashMap<>();
        private final Map<Integer, Long> nextOffsets = new HashMap<>();

        private Batch(long nowMs) {
            this.nowMs = nowMs;
        }

        /**
         * Records a consumed event: remembers its id and adds its frame to the channel's history,
         * unless the id was already seen within the window.
         *
         * @return {@code true} if the event is new and should be delivered; {@code false} for a duplicate
         */
        public boolean admit(String id, String channel, int partition, long offset, byte[] frame) {
            nextOffsets.merge(partition, offset + 1, Math::max);
            try {
                if (!idsInBatch.add(id) || firstSeen(id, nowMs) != null) {
                    return false;
                }
                batch.put(dedup, id.getBytes(StandardCharsets.UTF_8),
                        ByteBuffer.allocate(20).putLong(nowMs).putInt(partition).putLong(offset).array());
                if (settings.historyPerChannel() > 0) {
                    batch.put(history, historyKey(channelPrefix(channel), offset), frame);
                    pendingCounts.merge(channel, 1, Integer::sum);
                }
                return true;
            } catch (RocksDBException e) {
                throw new StoreException("cannot stage an event: " + e.getMessage(), e);
            }
        }

        /** Records that every record of {@code partition} below {@code nextOffset} was processed. */
        public void processed(int partition, long nextOffset) {
            nextOffsets.merge(partition, nextOffset, Math::max);
        }

        /**
         * Writes the batch, then trims channels over their history bound.
         *
         * @throws StoreException if RocksDB fails; nothing of the batch is stored then
         */
        public void commit() {
            try {
                for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                    batch.put(meta, partitionKey(NEXT_PREFIX, e.getKey()), longBytes(e.getValue()));
                }
                db().write(writeOptions, batch);
                for (Map.Entry<String, Integer> e : pendingCounts.entrySet()) {
                    trimHistory(e.getKey(), e.getValue());
                }
            } catch (RocksDBException e) {
                throw new StoreException("cannot write to the edge store: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    /**
     * Deletes the channel's oldest entries past {@code historyPerChannel}. Every walk of a channel's
     * history starts after its trimmed offset: the deleted entries stay as tombstones until a
     * compaction, and a walk from the channel's first key would step over all of them, a cost that
     * grows with every event until the memtable is flushed.
     */
    private void trimHistory(String channel, int added) throws RocksDBException {
        long trimmed = trimmedOffset(channel);
        Integer known = historyCounts.get(channel);
        int count = known != null ? known + added : countHistory(channel, trimmed);
        byte[] prefix = channelPrefix(channel);
        if (count > settings.historyPerChannel()) {
            int excess = count - settings.historyPerChannel();
            long lastTrimmed = trimmed;
            try (WriteBatch deletes = new WriteBatch();
                 Slice upper = new Slice(prefixEnd(prefix));
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                 RocksIterator it = db().newIterator(history, ro)) {
                it.seek(historyKey(prefix, trimmed + 1));
                for (int i = 0; i < excess && it.isValid(); i++, it.next()) {
                    deletes.delete(history, it.key());
                    lastTrimmed = ByteBuffer.wrap(it.key(), prefix.length, 8).getLong();
                }
                deletes.put(trim, channel.getBytes(StandardCharsets.UTF_8), longBytes(lastTrimmed));
                db().write(writeOptions, deletes);
            }
            trimmedOffsets.put(channel, lastTrimmed);
            count -= excess;
        }
        historyCounts.put(channel, count);
    }

    /** The channel's highest trimmed offset, or -1 if none was trimmed. */
    private long trimmedOffset(String channel) throws RocksDBException {
        Long known = trimmedOffsets.get(channel);
        if (known != null) {
            return known;
        }
        byte[] stored = db().get(trim, channel.getBytes(StandardCharsets.UTF_8));
        long trimmed = stored == null ? -1 : ByteBuffer.wrap(stored).getLong();
        trimmedOffsets.put(channel, trimmed);
        return trimmed;
    }

    private int countHistory(String channel, long trimmed) {
        byte[] prefix = channelPrefix(channel);
        int n = 0;
        try (Slice upper = new Slice(prefixEnd(prefix));
             ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db().newIterator(history, ro)) {
            for (it.seek(historyKey(prefix, trimmed + 1)); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    private ColumnFamilyOptions track(ColumnFamilyOptions options) {
        cfOptions.add(options);
        return options;
    }

    private static byte[] channelPrefix(String channel) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1).put(name).put((byte) 0).array();
    }

    /** The history key of {@code offset} in the channel of {@code prefix} (see {@link #channelPrefix}). */
    private static byte[] historyKey(byte[] prefix, long offset) {
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(offset).array();
    }

    private static byte[] partitionKey(byte[] prefix, int partition) {
        return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(partition).array();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    }
}
