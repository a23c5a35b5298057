package dev.herald.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from a history replay to the store's one writer, the poll thread: the replay reads
 * and encodes records on its own thread and {@link #submit submits} them in batches; the poll
 * thread {@link #drain drains} the queue between polls and writes each batch to the store
 * ({@link EventStore.Batch#restore}), then moves a partition's coverage back when the replay says
 * its range is complete ({@link #extendCoverage}).
 *
 * <p>Why not write from the replay thread: {@link EventStore} has one writer by design (each
 * channel's history count and trim are the writer's own cache, and the writer alone reopens the
 * database after a failed write). A bounded queue keeps that, and keeps the replay's memory
 * bounded: at most {@link #CAPACITY} batches wait, and {@link #submit} waits for room, so the
 * replay reads the log no faster than the store takes it. While a replay is {@link #open open},
 * the poll thread polls Kafka with a short timeout ({@link #busy}) so that it drains promptly.
 *
 * <p>Thread-safe: any number of replay threads submit (the edge runs one at a time); the poll
 * thread drains.
 */
public final class HistoryRestore {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryRestore.class);
    /** Batches waiting for the poll thread at most; a replay's batch is a poll of its reader. */
    static final int CAPACITY = 4;

    /** One record to restore: its event id and channel, where it is in the log, and its frame as the history keeps it. */
    public record Entry(String id, String channel, int partition, long offset, byte[] frame) {
    }

    /**
     * What the store made of a batch.
     *
     * @param stored        records stored now
     * @param alreadyStored records the store held already (same record, seen before)
     * @param duplicates    records whose id their channel had at another offset: dropped, as the live path drops them
     */
    public record Outcome(int stored, int alreadyStored, int duplicates) {
    }

    /** A batch to write, or a coverage to extend; the poll thread completes its future. */
    private sealed interface Task permits Write, Coverage {
        void fail(Throwable cause);
    }

    private record Write(List<Entry> entries, CompletableFuture<Outcome> done) implements Task {
        @Override
        public void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }
    }

    private record Coverage(int partition, long from, long to, CompletableFuture<Boolean> done) implements Task {
        @Override
        public void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }
    }

    private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    HistoryRestore() {
    }

    /** A replay starts submitting: until it calls {@link #closeReplay}, the poll thread polls Kafka with a short timeout. */
    public void open() {
        open.incrementAndGet();
    }

    /** A replay that {@link #open opened} is done submitting. */
    public void closeReplay() {
        open.decrementAndGet();
    }

    /** Whether a replay is open or batches wait: the poll thread should come back soon. */
    boolean busy() {
        return open.get() > 0 || !queue.isEmpty();
    }

    /**
     * Queues {@code entries} for the store, waiting up to {@code timeoutMs} for room.
     *
     * @return the batch's outcome once the poll thread wrote it (failed with a {@link StoreException}
     *         if the write failed, or an {@link IllegalStateException} if the consumer stopped), or
     *         {@code null} when no room came in time (submit again, or give up)
     * @throws IllegalStateException if the consumer has stopped
     */
    public CompletableFuture<Outcome> submit(List<Entry> entries, long timeoutMs) throws InterruptedException {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        return enqueue(new Write(List.copyOf(entries), done), timeoutMs) ? done : null;
    }

    /**
     * Queues, after the batches submitted before it, the news that every record of
     * {@code partition} in {@code [from, to)} is restored: the poll thread then moves the
     * partition's coverage back to {@code from} if that closes the gap ({@link EventStore#extendCoverage}).
     *
     * @return whether the coverage moved, once done; {@code null} when no room came in time
     */
    public CompletableFuture<Boolean> extendCoverage(int partition, long from, long to, long timeoutMs) throws InterruptedException {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        return enqueue(new Coverage(partition, from, to, done), timeoutMs) ? done : null;
    }

    private boolean enqueue(Task task, long timeoutMs) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the edge's consumer has stopped: nothing more can be stored");
        }
        if (!queue.offer(task, timeoutMs, TimeUnit.MILLISECONDS)) {
            return false;
        }
        if (closed && queue.remove(task)) {
            throw new IllegalStateException("the edge's consumer has stopped: nothing more can be stored");
        }
        return true;
    }

    /**
     * Writes every waiting batch, each in one store batch, and extends coverages, in order.
     * Poll thread only. A batch that fails to write fails its future (the replay ends failed);
     * the live path meets the store's failure on its next write and handles it as it does.
     */
    void drain(EventStore store, long nowMs) {
        List<Task> tasks = new ArrayList<>(CAPACITY);
        queue.drainTo(tasks);
        for (Task task : tasks) {
            if (task instanceof Write w) {
                try {
                    w.done().complete(write(store, nowMs, w.entries()));
                } catch (RuntimeException e) {
                    LOG.warn("a history replay batch of {} records could not be stored: {}", w.entries().size(), e.getMessage());
                    w.fail(e);
                }
            } else if (task instanceof Coverage c) {
                try {
                    c.done().complete(store.extendCoverage(c.partition(), c.from(), c.to()));
                } catch (RuntimeException e) {
                    c.fail(e);
                }
            }
        }
    }

    private static Outcome write(EventStore store, long nowMs, List<Entry> entries) {
        int stored = 0;
        int already = 0;
        int duplicates = 0;
        try (EventStore.Batch batch = store.batch(nowMs)) {
            for (Admission a : batch.restore(entries)) {
                switch (a) {
                    case NEW -> stored++;
                    case REREAD -> already++;
                    case DUPLICATE -> duplicates++;
                }
            }
            batch.commit();
        }
        return new Outcome(stored, already, duplicates);
    }

    /** The consumer stopped: every waiting and later task fails. Poll thread, on its way out. */
    void close() {
        closed = true;
        IllegalStateException stopped = new IllegalStateException("the edge's consumer stopped before the replay's records were stored");
        for (Task t; (t = queue.poll()) != null; ) {
            t.fail(stopped);
        }
    }
}
