package dev.herald.fanout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.schemas.Epoch;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
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
 *   dedup     channel | 0x00 | event id    -> seen at ms (8) | partition (4) | offset (8)
 *   history   channel | 0x00 | offset (8)  -> encoded event frame
 *   trim      channel                      -> highest offset trimmed from the channel's history (8)
 * </pre>
 *
 * Offsets are big-endian so byte order is offset order and a prefix seek on {@code channel|0x00}
 * walks a channel's history in order (channel names never contain 0x00). An event id is unique
 * within its channel only (an {@code Idempotency-Key} is scoped to its channel and becomes the
 * id), so the dedup key is the pair: the same id on two channels is two events. (Stores written
 * before the pair key hold bare ids, which no lookup matches any more; they age out with the
 * window.) A record found in the dedup index at its own partition and offset is the same record
 * read again after a rewind, not a duplicate ({@link Admission#REREAD}). The dedup family uses
 * FIFO compaction with a TTL of the dedup window and a size cap, so the index stays bounded by
 * both without a sweeper; a lookup also checks the stored time, since FIFO drops files lazily.
 * History is bounded per channel: past {@code historyPerChannel} entries the oldest is deleted
 * and its offset recorded in {@code trim}, in the same atomic write as the events that pushed it
 * out, so a failed write leaves nothing of a batch behind: a retry of the same records finds
 * none of them seen. A channel's history is complete after an offset
 * {@code o} when {@code o >= trim(channel)} and {@code o + 1 >= coverage(partition)}; coverage
 * starts where this store began receiving a partition and restarts if the consumer ever skips
 * ahead of {@code next}. A new epoch (topic re-created or re-partitioned) drops history, trim and
 * coverage, whose offsets mean nothing in it, and the dedup index, whose entries name its records.
 *
 * <p>A history replay ({@code herald replay --mode history}) puts records older than those stored
 * ({@link Batch#restore}): they go into the same families, each channel's history keeps its
 * newest {@code historyPerChannel} entries whatever order they came in (the trim deletes the
 * lowest offsets of disk and batch together), a restored offset at or below the channel's trimmed
 * offset is not kept (history is complete only above it), and once a partition's range is
 * restored from {@code from} up to where its coverage began, {@link #extendCoverage} moves the
 * coverage back to {@code from}, so that a resume from an old position is served from history.
 *
 * <p>The writer keeps each channel's history count and trimmed offset in a cache bounded by
 * {@link StoreSettings#channelCacheMax()} channels; a channel that fell out of it is read again
 * from disk (at most {@code historyPerChannel} keys) when it next gets an event.
 *
 * <p>Threading: one writer (the poll thread) calls {@link #batch}, {@link #beginPartition},
 * {@link #restartCoverage}, {@link #extendCoverage}, {@link #useEpoch} and {@link #reopen} (a
 * replay hands its records to it, see {@link HistoryRestore}); {@link #history} and {@link #firstSeen} may be called
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
    private static final double BLOOM_BITS_PER_KEY = 10;
    /** The share of a memtable's size given to its bloom filter. */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;
    /**
     * The block cache the dedup and history families share. Before they got table options of
     * their own, each had the cache RocksDB makes when given none; RocksJava's
     * {@code BlockBasedTableConfig} brings one of 8 MiB unless given one, and with it a lookup
     * of a stored id took three times as long (10.5 µs against 3.2 µs in {@code bench jmh
     * DedupStore}): its data blocks no longer stayed in memory.
     */
    private static final long BLOCK_CACHE_BYTES = 64L << 20;

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
    /** The dedup and history families' filter: 10 bits a key, about 1% false positives. */
    private final BloomFilter bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY);
    private final LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    private final Map<Integer, Long> coverage = new ConcurrentHashMap<>();
    /** Each channel's history count and highest trimmed offset, as on disk; the writer's bounded cache. */
    private final Cache<String, ChannelHistory> channels;
    /** Every write of the store goes through it; a test puts a fault in front of it. */
    private final StoreWriter writer;

    /** Writes a batch to the database; the seam where a test injects a failing write. */
    @FunctionalInterface
    interface StoreWriter {
        void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException;
    }

    /** What the writer knows of a channel's history: its entry count and highest trimmed offset (-1: none). */
    private record ChannelHistory(int count, long trimmed) {
    }

    private EventStore(Path dir, StoreSettings settings, StoreWriter writer) throws RocksDBException {
        this.settings = settings;
        this.dir = dir;
        this.writer = writer;
        this.channels = Caffeine.newBuilder().maximumSize(settings.channelCacheMax()).executor(Runnable::run).build();
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions plain = track(new ColumnFamilyOptions());
        CompactionOptionsFIFO fifo = new CompactionOptionsFIFO().setMaxTableFilesSize(settings.dedupMaxBytes());
        // Most point reads of the dedup index and the history miss: a new event's id, a replayed
        // frame the history lacks. Without a filter each miss walks the memtables' skip lists and
        // reads an index and a data block of every file whose key range covers it, and in the
        // dedup family (FIFO: every file in level 0, each spanning all channels) that is every
        // file. Bloom filters of 10 bits a key in each file, and one in each memtable (a tenth of
        // its size), answer about 99% of misses without either.
        ColumnFamilyOptions dedupOptions = track(new ColumnFamilyOptions()
                .setCompactionStyle(CompactionStyle.FIFO)
                .setCompactionOptionsFIFO(fifo)
                .setTtl(Math.max(1, settings.dedupWindowMs() / 1000))
                .setWriteBufferSize(Math.min(settings.dedupMaxBytes() / 4, 16L << 20))
                .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO).setMemtableWholeKeyFiltering(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter).setBlockCache(blockCache)));
        ColumnFamilyOptions historyOptions = track(new ColumnFamilyOptions()
                .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO).setMemtableWholeKeyFiltering(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter).setBlockCache(blockCache)));
        descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, plain),
                new ColumnFamilyDescriptor("dedup".getBytes(StandardCharsets.US_ASCII), dedupOptions),
                new ColumnFamilyDescriptor("history".getBytes(StandardCharsets.US_ASCII), historyOptions),
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
        return open(dir, settings, RocksDB::write);
    }

    /** {@link #open(Path, StoreSettings)} with every write going through {@code writer}; for fault tests. */
    static EventStore open(Path dir, StoreSettings settings, StoreWriter writer) {
        try {
            Files.createDirectories(dir);
            return new EventStore(dir, settings, writer);
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
            dropDedupIndex();
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(history, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                batch.deleteRange(trim, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                batch.deleteRange(meta, NEXT_PREFIX, prefixEnd(NEXT_PREFIX));
                batch.deleteRange(meta, COVERAGE_PREFIX, prefixEnd(COVERAGE_PREFIX));
                batch.put(meta, EPOCH_KEY, encoded);
                writer.write(db(), writeOptions, batch);
            }
            coverage.clear();
            channels.invalidateAll();
        } catch (RocksDBException e) {
            throw new StoreException("cannot record the log epoch: " + e.getMessage(), e);
        }
    }

    /**
     * Empties the dedup index: in a new epoch its entries name records of another log, and one at
     * the same channel, id, partition and offset as a new record would pass for a re-read of it
     * (not stored, so missing from history). The column family is dropped and made again, since
     * FIFO compaction takes no range deletes. Before the epoch is recorded: a crash in between
     * does it again at the next start.
     */
    private void dropDedupIndex() throws RocksDBException {
        lock.writeLock().lock();
        try {
            RocksDB current = db();
            try {
                current.dropColumnFamily(dedup);
                dedup.close();
                dedup = current.createColumnFamily(descriptors.get(1));
                handles.set(1, dedup);
            } catch (RocksDBException | RuntimeException e) {
                closeDb(); // no closed handle may be used again: every call fails until a reopen
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
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

    /**
     * Restarts the coverage of {@code partition} at {@code offset}, wherever it was: the consumer
     * skipped records it will never read (retention passed it) or goes back over offsets the log
     * reused (truncation), so no resume may be served from history across that point. Writer
     * thread only.
     */
    public void restartCoverage(int partition, long offset) {
        try {
            db().put(meta, writeOptions, partitionKey(COVERAGE_PREFIX, partition), longBytes(offset));
            coverage.put(partition, offset);
        } catch (RocksDBException e) {
            throw new StoreException("cannot record partition coverage: " + e.getMessage(), e);
        }
    }

    /**
     * Moves the coverage of {@code partition} back to {@code from} when a history replay stored
     * every record of {@code [from, to)} and the coverage began inside that range (after a lost
     * store, it began where the consumer started again): the history then holds everything from
     * {@code from} on. Nothing changes when the coverage is unknown (the partition was never
     * assigned) or began before {@code from} or after {@code to} (a gap would remain). Writer
     * thread only.
     *
     * @return whether the coverage moved
     */
    public boolean extendCoverage(int partition, long from, long to) {
        Long covered = coverage.get(partition);
        if (covered == null || from >= covered || covered > to) {
            return false;
        }
        restartCoverage(partition, from);
        return true;
    }

    /** Where the coverage of {@code partition} begins, or -1 when it is unknown (not assigned yet). Thread-safe. */
    public long coverageStart(int partition) {
        return coverage.getOrDefault(partition, -1L);
    }

    /** Starts a batch of writes for one poll. Writer thread only. */
    public Batch batch(long nowMs) {
        return new Batch(nowMs);
    }

    /** Channels whose history count the writer holds in memory now (bounded by {@link StoreSettings#channelCacheMax()}). */
    public long cachedChannels() {
        return channels.estimatedSize();
    }

    /**
     * Where the event {@code id} of {@code channel} was first seen within the dedup window, or
     * {@code null} if it was not. Thread-safe.
     *
     * @return {@code long[]{partition, offset}}
     */
    public long[] firstSeen(String channel, String id, long nowMs) {
        lock.readLock().lock();
        try {
            return seenAt(db().get(dedup, dedupKey(channel, id)), nowMs);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the dedup index: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Where a dedup entry {@code v} (or {@code null}) says its event was first seen, unless the window has passed since. */
    private long[] seenAt(byte[] v, long nowMs) {
        if (v == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        long at = b.getLong();
        if (nowMs - at > settings.dedupWindowMs()) {
            return null;
        }
        return new long[] {b.getInt(), b.getLong()};
    }

    /** The values of {@code keys} in {@code family} ({@code null} for a missing one), in order, in one read. Writer thread only. */
    private List<byte[]> multiGet(ColumnFamilyHandle family, List<byte[]> keys) {
        try {
            return db().multiGetAsList(Collections.nCopies(keys.size(), family), keys);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the edge store: " + e.getMessage(), e);
        }
    }

    /**
     * The stored events of {@code channel} after {@code afterOffset}, at most {@code limit}, and
     * whether they are all of them. Thread-safe.
     */
    public HistoryRead history(String channel, int partition, long afterOffset, int limit) {
        return history(channel, partition, afterOffset, limit, Long.MAX_VALUE);
    }

    /**
     * The stored events of {@code channel} after {@code afterOffset}, at most {@code limit} and,
     * past the first, at most {@code maxBytes} of frames, and whether the history holds every
     * event after {@code afterOffset} (the frames returned being the first of them). Thread-safe.
     *
     * <p>The trimmed offset and the entries are read from one snapshot of the database, so a
     * trim committed meanwhile cannot make a read skip entries and still call itself complete;
     * coverage (changed when a partition is assigned or its position reset) is read before and
     * after, and a change makes the read incomplete.
     */
    public HistoryRead history(String channel, int partition, long afterOffset, int limit, long maxBytes) {
        Long covered = coverage.get(partition);
        byte[] prefix = channelPrefix(channel);
        List<StoredFrame> frames = new ArrayList<>();
        lock.readLock().lock();
        try {
            RocksDB current = db();
            Snapshot snapshot = current.getSnapshot();
            try (ReadOptions at = new ReadOptions().setSnapshot(snapshot)) {
                byte[] trimmed = current.get(trim, at, channel.getBytes(StandardCharsets.UTF_8));
                long trimmedOffset = trimmed == null ? -1 : ByteBuffer.wrap(trimmed).getLong();
                // never below the trimmed part: seeking there would walk the trim's tombstones
                long from = Math.max(afterOffset, trimmedOffset) + 1;
                long bytes = 0;
                try (Slice upper = new Slice(prefixEnd(prefix));
                     ReadOptions ro = new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
                     RocksIterator it = current.newIterator(history, ro)) {
                    for (it.seek(historyKey(prefix, Math.max(0, from))); it.isValid() && frames.size() < limit; it.next()) {
                        byte[] frame = it.value();
                        if (!frames.isEmpty() && bytes + frame.length > maxBytes) {
                            break;
                        }
                        frames.add(new StoredFrame(partition, ByteBuffer.wrap(it.key(), prefix.length, 8).getLong(), frame));
                        bytes += frame.length;
                    }
                    it.status();
                }
                boolean complete = covered != null && covered.equals(coverage.get(partition)) && afterOffset + 1 >= covered
                        && afterOffset >= trimmedOffset;
                return new HistoryRead(complete, frames);
            } finally {
                current.releaseSnapshot(snapshot);
            }
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
        bloomFilter.close();
        blockCache.close();
    }

    /**
     * The writes of one poll, applied together by {@link #commit()} in one atomic write (events,
     * dedup entries, history trims and next offsets): nothing of a batch is stored unless all of
     * it is, so a failed write can simply be retried from the same records.
     */
    public final class Batch implements AutoCloseable {

        private final long nowMs;
        private final WriteBatch batch = new WriteBatch();
        /** Events admitted in this batch, by dedup key: where each was. */
        private final Map<String, long[]> seenInBatch = new HashMap<>();
        /** Offsets added to each channel's history by this batch, in order. */
        private final Map<String, List<Long>> added = new LinkedHashMap<>();
        private final Map<Integer, Long> nextOffsets = new HashMap<>();
        /** What each channel's history will be once this batch is written. */
        private final Map<String, ChannelHistory> after = new HashMap<>();

        private Batch(long nowMs) {
            this.nowMs = nowMs;
        }

        /**
         * Records a consumed event: remembers its (channel, id) and adds its frame to the
         * channel's history, unless that pair was already seen within the window.
         *
         * @return {@link Admission#NEW} if the event is new and should be delivered,
         *         {@link Admission#REREAD} if this very record was stored before (deliver it again,
         *         nothing is stored twice), {@link Admission#DUPLICATE} for another record with a
         *         seen id
         */
        public Admission admit(String id, String channel, int partition, long offset, byte[] frame) {
            nextOffsets.merge(partition, offset + 1, Math::max);
            return stage(id, channel, partition, offset, frame);
        }

        /**
         * Records an event that a history replay read again, older than what the consumer reads
         * now: like {@link #admit}, but the partition's next offset stays where the consumer has
         * it, and a frame the history holds already (its dedup entry aged out) is not counted
         * twice. One record of {@link #restore(List)}.
         *
         * @return {@link Admission#NEW} if it was stored now, {@link Admission#REREAD} if it was
         *         stored already, {@link Admission#DUPLICATE} for another record with a seen id
         */
        public Admission restore(String id, String channel, int partition, long offset, byte[] frame) {
            return restore(List.of(new HistoryRestore.Entry(id, channel, partition, offset, frame))).get(0);
        }

        /**
         * {@link #restore(String, String, int, long, byte[]) Restores} {@code entries}, in order,
         * as if one by one: a later entry sees what an earlier one staged.
         *
         * <p>Why all at once: a replayed record needs two point reads, its dedup entry and (when
         * its id is new) whether the history holds its frame already. Read one at a time, they
         * cost the store's one writer a JNI call and a walk of the levels each, most of a
         * replay's time on the poll thread; here each kind is read for the whole batch with one
         * {@code multiGet}, which looks the keys up together (and the families' bloom filters
         * answer most misses without reading a block).
         *
         * @return each entry's admission, in the order of {@code entries}
         */
        public List<Admission> restore(List<HistoryRestore.Entry> entries) {
            int n = entries.size();
            List<byte[]> dedupKeys = new ArrayList<>(n);
            for (HistoryRestore.Entry e : entries) {
                dedupKeys.add(dedupKey(e.channel(), e.id()));
            }
            List<byte[]> seenOnDisk = multiGet(dedup, dedupKeys);
            Admission[] out = new Admission[n];
            List<Integer> admitted = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                HistoryRestore.Entry e = entries.get(i);
                String key = e.channel() + '\u0000' + e.id();
                long[] first = seenInBatch.get(key);
                if (first == null) {
                    first = seenAt(seenOnDisk.get(i), nowMs);
                }
                if (first != null) {
                    out[i] = first[0] == e.partition() && first[1] == e.offset() ? Admission.REREAD : Admission.DUPLICATE;
                    continue;
                }
                seenInBatch.put(key, new long[] {e.partition(), e.offset()});
                putDedup(dedupKeys.get(i), e.partition(), e.offset());
                out[i] = Admission.NEW;
                admitted.add(i);
            }
            if (settings.historyPerChannel() > 0 && !admitted.isEmpty()) {
                List<byte[]> historyKeys = new ArrayList<>(admitted.size());
                for (int i : admitted) {
                    historyKeys.add(historyKey(channelPrefix(entries.get(i).channel()), entries.get(i).offset()));
                }
                List<byte[]> inHistory = multiGet(history, historyKeys);
                for (int j = 0; j < admitted.size(); j++) {
                    if (inHistory.get(j) == null) {
                        HistoryRestore.Entry e = entries.get(admitted.get(j));
                        putHistory(historyKeys.get(j), e.frame());
                        added.computeIfAbsent(e.channel(), c -> new ArrayList<>()).add(e.offset());
                    }
                }
            }
            return Arrays.asList(out);
        }

        private Admission stage(String id, String channel, int partition, long offset, byte[] frame) {
            String key = channel + '\u0000' + id;
            long[] first = seenInBatch.get(key);
            if (first == null) {
                first = firstSeen(channel, id, nowMs);
            }
            if (first != null) {
                return first[0] == partition && first[1] == offset ? Admission.REREAD : Admission.DUPLICATE;
            }
            seenInBatch.put(key, new long[] {partition, offset});
            putDedup(dedupKey(channel, id), partition, offset);
            if (settings.historyPerChannel() > 0) {
                putHistory(historyKey(channelPrefix(channel), offset), frame);
                added.computeIfAbsent(channel, c -> new ArrayList<>()).add(offset);
            }
            return Admission.NEW;
        }

        private void putDedup(byte[] key, int partition, long offset) {
            try {
                batch.put(dedup, key, ByteBuffer.allocate(20).putLong(nowMs).putInt(partition).putLong(offset).array());
            } catch (RocksDBException e) {
                throw new StoreException("cannot stage an event: " + e.getMessage(), e);
            }
        }

        private void putHistory(byte[] key, byte[] frame) {
            try {
                batch.put(history, key, frame);
            } catch (RocksDBException e) {
                throw new StoreException("cannot stage an event: " + e.getMessage(), e);
            }
        }

        /** Records that every record of {@code partition} below {@code nextOffset} was processed. */
        public void processed(int partition, long nextOffset) {
            nextOffsets.merge(partition, nextOffset, Math::max);
        }

        /**
         * Adds the history trims and next offsets to the batch and writes it, all in one.
         *
         * @throws StoreException if RocksDB fails; nothing of the batch is stored then
         */
        public void commit() {
            try {
                for (Map.Entry<String, List<Long>> e : added.entrySet()) {
                    after.put(e.getKey(), stageTrim(batch, e.getKey(), e.getValue()));
                }
                for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                    batch.put(meta, partitionKey(NEXT_PREFIX, e.getKey()), longBytes(e.getValue()));
                }
                writer.write(db(), writeOptions, batch);
            } catch (RocksDBException e) {
                throw new StoreException("cannot write to the edge store: " + e.getMessage(), e);
            }
            channels.putAll(after);
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    /**
     * Stages in {@code batch} the deletion of the channel's oldest entries past
     * {@code historyPerChannel}, counting the {@code added} offsets the batch puts, and returns
     * what the channel's history is once the batch is written. The oldest entries are the lowest
     * offsets of those on disk and those added, merged in offset order: live events come after
     * everything on disk, but a history replay adds older ones (a put and a later delete of one
     * key in one batch leave it deleted). An added offset at or below the trimmed offset is
     * deleted at once: history is complete only above the trimmed offset, so it would never be
     * read. Every walk of a channel's history starts after its trimmed offset: the deleted
     * entries stay as tombstones until a compaction, and a walk from the channel's first key would
     * step over all of them, a cost that grows with every event until the memtable is flushed.
     */
    private ChannelHistory stageTrim(WriteBatch batch, String channel, List<Long> added) throws RocksDBException {
        ChannelHistory known = channels.getIfPresent(channel);
        long trimmed = known != null ? known.trimmed() : trimmedOffset(channel);
        int stored = known != null ? known.count() : countHistory(channel, trimmed);
        byte[] prefix = channelPrefix(channel);
        List<Long> kept = new ArrayList<>(added.size());
        for (long offset : added) {
            if (offset <= trimmed) {
                batch.delete(history, historyKey(prefix, offset));
            } else {
                kept.add(offset);
            }
        }
        kept.sort(null); // a live batch adds them in order already; a restore may not
        int excess = stored + kept.size() - settings.historyPerChannel();
        if (excess <= 0) {
            return new ChannelHistory(stored + kept.size(), trimmed);
        }
        long lastTrimmed = trimmed;
        int deleted = 0;
        int next = 0;
        try (Slice upper = new Slice(prefixEnd(prefix));
             ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db().newIterator(history, ro)) {
            it.seek(historyKey(prefix, trimmed + 1));
            for (; deleted < excess; deleted++) {
                boolean onDisk = it.isValid();
                long diskOffset = onDisk ? ByteBuffer.wrap(it.key(), prefix.length, 8).getLong() : Long.MAX_VALUE;
                if (next < kept.size() && kept.get(next) < diskOffset) {
                    lastTrimmed = kept.get(next++);
                    batch.delete(history, historyKey(prefix, lastTrimmed));
                } else if (onDisk) {
                    batch.delete(history, it.key());
                    lastTrimmed = diskOffset;
                    it.next();
                } else {
                    break;
                }
            }
            it.status();
        }
        batch.put(trim, channel.getBytes(StandardCharsets.UTF_8), longBytes(lastTrimmed));
        return new ChannelHistory(settings.historyPerChannel(), lastTrimmed);
    }

    /** The channel's highest trimmed offset on disk, or -1 if none was trimmed. */
    private long trimmedOffset(String channel) throws RocksDBException {
        byte[] stored = db().get(trim, channel.getBytes(StandardCharsets.UTF_8));
        return stored == null ? -1 : ByteBuffer.wrap(stored).getLong();
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

    /** The dedup key of {@code id} in {@code channel}: {@code channel | 0x00 | id}. */
    private static byte[] dedupKey(String channel, String id) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1 + idBytes.length).put(name).put((byte) 0).put(idBytes).array();
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
