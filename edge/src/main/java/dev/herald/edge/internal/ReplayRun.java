package dev.herald.edge.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

import dev.herald.fanout.EventStore;
import dev.herald.fanout.HistoryRestore;
import dev.herald.fanout.LogRangeReader;
import dev.herald.fanout.ReplayRange;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;

/**
 * One replay on an edge, run on its own thread ({@code herald-edge-replay-<id>}): reads its ranges
 * with a {@link LogRangeReader} (its own consumer, no group: the edge's live consumer goes on
 * meanwhile) and, by mode:
 * <ul>
 *   <li>{@code history}: hands the records, encoded as the live path encodes them, to the poll
 *       thread ({@link HistoryRestore}), which stores those the store lacks (dedup index and
 *       history) and delivers none; at most {@code HistoryRestore.CAPACITY} batches are on their
 *       way at a time. Once every range is stored, and no channel filter applied, each partition's
 *       coverage moves back to the range's start ({@link EventStore#extendCoverage}), so that a
 *       resume from there is served from history.</li>
 *   <li>{@code redeliver}: sends each record's frame, marked {@code "replayed":true}, to the live
 *       subscribers of its channel ({@link SubscriptionIndex#redeliver}); never faster than the
 *       I/O threads take them: while the index is {@link SubscriptionIndex#behind behind} it waits,
 *       as the live consumer pauses. A record the dedup index knows at another offset (a duplicate
 *       the live path dropped) and a malformed record are skipped.</li>
 * </ul>
 * Progress ({@link #status}) may be read from any thread.
 */
final class ReplayRun implements Runnable {

    /** Records of one reader poll at most: one batch for the store, or one stretch of redeliveries. */
    static final int BATCH_RECORDS = 2_000;
    /** A reader poll that brings nothing for this long while records are owed fails the replay. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    /** How long the replay waits for room in the store's hand-off, or for the I/O threads, before checking for cancellation. */
    private static final long WAIT_STEP_MS = 200;
    /** How long a history replay waits for the store to take one batch before it fails. */
    private static final long STORE_TIMEOUT_MS = 120_000;

    /** Where a replay stands. */
    enum State { RUNNING, DONE, FAILED, CANCELLED }

    private final String id;
    private final ReplayRequest request;
    private final String requester;
    private final Map<String, Object> clientProps;
    private final String topic;
    private final Epoch epoch;
    private final EventStore store;
    private final HistoryRestore restore;
    private final SubscriptionIndex index;
    private final Instant startedAt;
    private final long startNanos = System.nanoTime();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final LongConsumer onRecords;
    private final BiConsumer<ReplayRun, State> onEnd;
    private volatile LogRangeReader reader;
    private volatile long read;
    private volatile State state = State.RUNNING;
    private volatile String error;
    /** When it ended; 0 while it runs. */
    private volatile long endNanos;
    private volatile boolean cancelled;
    private final List<Integer> coverageExtended = new ArrayList<>();

    /**
     * @param onRecords called with the number of records of each batch read (for the edge's meters)
     * @param onEnd     called once as the replay ends, with how, before {@link #state} says so
     */
    ReplayRun(String id, ReplayRequest request, String requester, Map<String, Object> clientProps, String topic, Epoch epoch,
              EventStore store, HistoryRestore restore, SubscriptionIndex index, Instant startedAt, LongConsumer onRecords,
              BiConsumer<ReplayRun, State> onEnd) {
        this.id = id;
        this.request = request;
        this.requester = requester;
        this.clientProps = clientProps;
        this.topic = topic;
        this.epoch = epoch;
        this.store = store;
        this.restore = restore;
        this.index = index;
        this.startedAt = startedAt;
        this.onRecords = onRecords;
        this.onEnd = onEnd;
    }

    String id() {
        return id;
    }

    ReplayRequest request() {
        return request;
    }

    String requester() {
        return requester;
    }

    State state() {
        return state;
    }

    /** Records read that belong to the replay (in the ranges, of the channel if one was given). */
    long records() {
        return records.get();
    }

    long replayed() {
        return replayed.get();
    }

    long skipped() {
        return skipped.get();
    }

    String error() {
        return error;
    }

    /** Offsets of the ranges not read yet; 0 once the replay ended. */
    long backlog() {
        return state == State.RUNNING ? request.offsets() - offsetsRead() : 0;
    }

    private long offsetsRead() {
        LogRangeReader r = reader;
        return r == null ? read : r.offsetsRead();
    }

    /** Asks the replay to stop after the batch it is on. */
    void cancel() {
        cancelled = true;
    }

    Duration elapsed() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return Duration.ofNanos(end - startNanos);
    }

    @Override
    public void run() {
        boolean history = request.mode() == ReplayRequest.Mode.HISTORY;
        if (history) {
            restore.open();
        }
        try (LogRangeReader r = new LogRangeReader(clientProps, topic, request.ranges(), request.channel(), BATCH_RECORDS, STALL_TIMEOUT)) {
            reader = r;
            ArrayDeque<CompletableFuture<HistoryRestore.Outcome>> inFlight = new ArrayDeque<>();
            while (!r.done()) {
                if (cancelled) {
                    finish(State.CANCELLED, "cancelled: the edge is closing");
                    return;
                }
                List<LogRangeReader.LogRecord> batch = r.next();
                records.addAndGet(batch.size());
                onRecords.accept(batch.size());
                if (history) {
                    store(batch, inFlight);
                } else {
                    redeliver(batch);
                }
            }
            while (!inFlight.isEmpty()) {
                account(inFlight.poll());
            }
            if (history && request.channel() == null) {
                for (ReplayRange range : request.ranges()) {
                    if (range.offsets() > 0 && Boolean.TRUE.equals(await(restore.extendCoverage(range.partition(), range.fromOffset(),
                            range.toOffset(), STORE_TIMEOUT_MS)))) {
                        synchronized (coverageExtended) {
                            coverageExtended.add(range.partition());
                        }
                    }
                }
            }
            read = r.offsetsRead();
            finish(State.DONE, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(State.CANCELLED, "interrupted: the edge is closing");
        } catch (RuntimeException e) {
            finish(State.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            reader = null;
            if (history) {
                restore.closeReplay();
            }
        }
    }

    private void finish(State end, String why) {
        LogRangeReader r = reader;
        if (r != null) {
            read = r.offsetsRead();
        }
        error = why;
        endNanos = System.nanoTime();
        onEnd.accept(this, end); // first: whoever sees the state ended finds the meters and the audit line done
        state = end;
    }

    /** Hands a batch to the store's writer, keeping at most the hand-off's capacity on its way. */
    private void store(List<LogRangeReader.LogRecord> batch, ArrayDeque<CompletableFuture<HistoryRestore.Outcome>> inFlight)
            throws InterruptedException {
        List<HistoryRestore.Entry> entries = new ArrayList<>(batch.size());
        for (LogRangeReader.LogRecord rec : batch) {
            if (rec.event() == null) {
                skipped.incrementAndGet();
                continue;
            }
            Event e = rec.event();
            byte[] frame = FrameCodec.eventFrame(e, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())));
            entries.add(new HistoryRestore.Entry(e.id(), e.channel(), rec.partition(), rec.offset(), frame));
        }
        if (entries.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STORE_TIMEOUT_MS);
        CompletableFuture<HistoryRestore.Outcome> done;
        while ((done = restore.submit(entries, WAIT_STEP_MS)) == null) {
            if (cancelled) {
                throw new InterruptedException("cancelled");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edge's poll thread took no replayed records for " + STORE_TIMEOUT_MS / 1000
                        + " s (is its consumer stuck? see herald_edge_consumer_ready)");
            }
        }
        inFlight.add(done);
        while (!inFlight.isEmpty() && (inFlight.size() > 2 || inFlight.peek().isDone())) {
            account(inFlight.poll());
        }
    }

    private void account(CompletableFuture<HistoryRestore.Outcome> done) throws InterruptedException {
        HistoryRestore.Outcome o = await(done);
        replayed.addAndGet(o.stored());
        skipped.addAndGet(o.alreadyStored() + o.duplicates());
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        if (future == null) {
            throw new IllegalStateException("the edge's poll thread took no replayed records for " + STORE_TIMEOUT_MS / 1000 + " s");
        }
        try {
            return future.get(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("storing replayed records failed: " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the edge's poll thread did not store replayed records within " + STORE_TIMEOUT_MS / 1000 + " s");
        }
    }

    /** Sends each record again to its channel's live subscribers, at the pace the I/O threads take them. */
    private void redeliver(List<LogRangeReader.LogRecord> batch) throws InterruptedException {
        long now = System.currentTimeMillis();
        for (LogRangeReader.LogRecord rec : batch) {
            Event e = rec.event();
            if (e == null) {
                skipped.incrementAndGet();
                continue;
            }
            long[] first = store.firstSeen(e.channel(), e.id(), now);
            if (first != null && (first[0] != rec.partition() || first[1] != rec.offset())) {
                skipped.incrementAndGet(); // a duplicate the live path dropped: its subscribers never had it as this record
                continue;
            }
            while (index.behind()) {
                if (cancelled) {
                    throw new InterruptedException("cancelled");
                }
                Thread.sleep(2);
            }
            byte[] frame = FrameCodec.eventFrame(e, PositionCodec.encode(new Position(epoch, rec.partition(), rec.offset())), true);
            if (index.redeliver(e.channel(), rec.offset(), frame) > 0) {
                replayed.incrementAndGet(); // handed to the I/O threads of the channel's subscribers; none here: not counted
            }
        }
    }

    /** The replay's progress and outcome, for {@code GET /admin/replay/{id}}, in a fixed order. */
    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        long total = request.offsets();
        long done = state == State.DONE ? total : offsetsRead();
        double seconds = elapsed().toNanos() / 1e9;
        m.put("id", id);
        m.put("mode", request.mode().wire());
        m.put("channel", request.channel());
        m.put("requestedBy", requester);
        m.put("state", state.name().toLowerCase(Locale.ROOT));
        List<Map<String, Object>> ranges = new ArrayList<>();
        for (ReplayRange r : request.ranges()) {
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("partition", r.partition());
            range.put("from", r.fromOffset());
            range.put("to", r.toOffset());
            ranges.add(range);
        }
        m.put("ranges", ranges);
        m.put("offsetsRead", done);
        m.put("offsetsTotal", total);
        m.put("records", records.get());
        m.put("replayed", replayed.get());
        m.put("skipped", skipped.get());
        m.put("startedAt", startedAt.toString());
        m.put("elapsedMs", elapsed().toMillis());
        m.put("offsetsPerSec", seconds > 0 ? Math.round(done / seconds) : 0);
        synchronized (coverageExtended) {
            m.put("historyCompletePartitions", coverageExtended.isEmpty() ? null : List.copyOf(coverageExtended));
        }
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
