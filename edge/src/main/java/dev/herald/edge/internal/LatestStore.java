package dev.herald.edge.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The edge's copy of every channel's latest value, as the compacted topic {@code herald.latest}
 * holds it: a RocksDB of its own under the edge's data folder, so that memory stays bounded
 * however many channels have one.
 *
 * <pre>
 * Layout: channel (UTF-8) -> the herald.latest record's value (RetainedEventCodec), byte for byte.
 * </pre>
 *
 * Why a store of its own, emptied at every start, rather than a key space of the edge's
 * {@code EventStore} kept across restarts: the topic is compacted, so reading it from its start
 * gives every channel's value in a few records per channel, and a copy kept across a restart
 * could hold a value whose tombstone compaction removed while the edge was down (tombstones live
 * {@code delete.retention.ms}); reading from the start never misses a clear. The history store's
 * life (epochs, coverage, replays) is not this one's either.
 *
 * <p>Threading: one writer ({@link LatestFollower}'s thread) calls {@link #write}; {@link #get}
 * and {@link #estimatedChannels} may be called from any thread, also during and after
 * {@link #close} (a metrics scrape, a late look-up): they hold a read lock that close waits for,
 * and find the store closed rather than touch a freed RocksDB handle.
 */
final class LatestStore implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final RocksDB db;
    /** Held shared by every use of {@link #db}, exclusively by {@link #close}. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private LatestStore(Path dir) throws RocksDBException {
        options = new Options().setCreateIfMissing(true).setWriteBufferSize(8L << 20);
        RocksDB.destroyDB(dir.toString(), options); // read again from the topic's start: see the class comment
        db = RocksDB.open(options, dir.toString());
    }

    /**
     * Opens an empty store in {@code dir} (what was there is dropped).
     *
     * @throws IllegalStateException naming the folder when RocksDB cannot open it
     */
    static LatestStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            return new LatestStore(dir);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the edge's store of latest values in " + dir + ": " + e.getMessage()
                    + "; check that the edge's data.dir is writable and not used by another edge", e);
        }
    }

    /** A write of several values and deletions at once. */
    WriteBatch batch() {
        return new WriteBatch();
    }

    /** Adds {@code channel}'s latest value to {@code batch}. */
    static void put(WriteBatch batch, String channel, byte[] value) throws RocksDBException {
        batch.put(channel.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Adds the removal of {@code channel}'s latest value (a tombstone) to {@code batch}. */
    static void delete(WriteBatch batch, String channel) throws RocksDBException {
        batch.delete(channel.getBytes(StandardCharsets.UTF_8));
    }

    /** Applies {@code batch}. */
    void write(WriteBatch batch) throws RocksDBException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the store of latest values is closed");
            }
            db.write(writeOptions, batch);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {@code channel}'s latest value as {@code herald.latest} holds it, or {@code null} for none. */
    byte[] get(String channel) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the edge is stopping: its store of latest values is closed");
            }
            return db.get(channel.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the latest value of " + channel + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** About how many channels have a latest value (RocksDB's estimate). */
    long estimatedChannels() {
        lock.readLock().lock();
        try {
            return closed ? 0 : db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
            options.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
