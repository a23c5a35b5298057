package dev.herald.edge.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.fanout.EventStore;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.fanout.ReplayRange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replays of one edge ({@code POST /admin/replay}): checks each request against this edge and
 * its log, runs it ({@link ReplayRun}, one at a time, each on a thread of its own), keeps the last
 * {@value #KEPT} for {@code GET /admin/replay/{id}}, exports their meters and writes one audit line
 * per replay when it ends (logger {@code dev.herald.edge.audit}: who asked, mode, channel, ranges,
 * result).
 *
 * <p>Meters: {@code herald_edge_replay_records_total{mode}} (records replays read, in their ranges
 * and of their channel), {@code herald_edge_replay_backlog_records} (offsets running replays have still to
 * read), {@code herald_edge_replays_total{mode,result}} (replays ended: done, failed, cancelled).
 *
 * <p>Why one at a time: a second replay would compete with the first for the same store hand-off
 * and the same I/O threads, and an operator reading two progress bars learns less than from one;
 * a request while one runs is refused (409), with the running one's id.
 *
 * <p>Thread-safe.
 */
public final class EdgeReplays implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeReplays.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.herald.edge.audit");
    /** Ended replays whose status is kept for {@code GET}. */
    static final int KEPT = 16;
    private static final long ADMIN_TIMEOUT_S = 30;

    private final String edgeId;
    private final String topic;
    private final Map<String, Object> clientProps;
    private final FanoutConsumer consumer;
    private final EventStore store;
    private final SubscriptionIndex index;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<ReplayRequest.Mode, Counter> records = new HashMap<>();
    private final Map<String, ReplayRun> runs = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private ReplayRun running;
    private Thread runner;
    private Admin admin;
    private boolean closed;

    public EdgeReplays(String edgeId, String topic, Map<String, Object> clientProps, FanoutConsumer consumer, EventStore store,
                       SubscriptionIndex index, MeterRegistry registry, Clock clock) {
        this.edgeId = edgeId;
        this.topic = topic;
        this.clientProps = Map.copyOf(clientProps);
        this.consumer = consumer;
        this.store = store;
        this.index = index;
        this.clock = clock;
        this.registry = registry;
        for (ReplayRequest.Mode mode : ReplayRequest.Mode.values()) {
            records.put(mode, Counter.builder("herald.edge.replay.records").tag("mode", mode.wire())
                    .description("Records of the log read again by replays (herald replay), in their ranges and of their channel, by mode")
                    .register(registry));
            for (ReplayRun.State state : List.of(ReplayRun.State.DONE, ReplayRun.State.FAILED, ReplayRun.State.CANCELLED)) {
                ended(mode, state);
            }
        }
        Gauge.builder("herald.edge.replay.backlog", this, EdgeReplays::backlog)
                .description("Offsets of the log that running replays have still to read (0 when none runs)").baseUnit("records")
                .register(registry);
    }

    private Counter ended(ReplayRequest.Mode mode, ReplayRun.State state) {
        return Counter.builder("herald.edge.replays").tag("mode", mode.wire()).tag("result", state.name().toLowerCase(java.util.Locale.ROOT))
                .description("Replays that ended, by mode and result (done, failed, cancelled by the edge closing)").register(registry);
    }

    private synchronized long backlog() {
        return running == null ? 0 : running.backlog();
    }

    /**
     * Checks {@code request} and starts it.
     *
     * @param requester who asked (a token's subject), for the audit line
     * @throws ReplayRefused if it names another edge or log, partitions or offsets the log does not
     *                       have, a range before the log start, or if a replay runs already
     */
    public synchronized ReplayRun start(ReplayRequest request, String requester) throws ReplayRefused {
        if (closed) {
            throw ReplayRefused.conflict("the edge is closing");
        }
        if (running != null) {
            throw ReplayRefused.conflict("replay " + running.id() + " is running on this edge; wait for it to end (GET /admin/replay/"
                    + running.id() + ")");
        }
        check(request);
        Counter read = records.get(request.mode());
        ReplayRun run = new ReplayRun(Long.toString(ids.incrementAndGet()), request, requester, clientProps, topic,
                consumer.epoch(), store, consumer.historyRestore(), index, clock.instant(), read::increment, this::ended);
        runs.put(run.id(), run);
        while (runs.size() > KEPT + 1) {
            runs.remove(runs.keySet().iterator().next());
        }
        running = run;
        LOG.info("replay {} started by {}: {} of {}{}", run.id(), requester, request.mode().wire(), request.ranges(),
                request.channel() == null ? "" : ", channel " + request.channel());
        runner = new Thread(run, "herald-edge-replay-" + run.id());
        runner.setDaemon(true);
        runner.start();
        return run;
    }

    /** Frees the slot, counts the replay and writes its audit line; on the replay's thread as it ends. */
    private void ended(ReplayRun run, ReplayRun.State state) {
        synchronized (this) {
            if (running == run) {
                running = null;
            }
        }
        ended(run.request().mode(), state).increment();
        AUDIT.info("replay {} on edge {} by {}: {} of {}{}; {}: {} records read, {} {}, {} skipped, in {} ms{}", run.id(), edgeId,
                run.requester(), run.request().mode().wire(), run.request().ranges(),
                run.request().channel() == null ? " (every channel)" : " (channel " + run.request().channel() + ")",
                state.name().toLowerCase(java.util.Locale.ROOT), run.records(), run.replayed(),
                run.request().mode() == ReplayRequest.Mode.HISTORY ? "stored" : "redelivered", run.skipped(), run.elapsed().toMillis(),
                run.error() == null ? "" : " (" + run.error() + ")");
    }

    /** The replay {@code id}, running or among the last ended, or {@code null}. */
    public synchronized ReplayRun find(String id) {
        return runs.get(id);
    }

    private void check(ReplayRequest request) throws ReplayRefused {
        if (request.edge() != null && !request.edge().equals(edgeId)) {
            throw ReplayRefused.conflict("this is edge " + edgeId + ", not " + request.edge() + ": check --edge-url");
        }
        if (request.topic() != null && !request.topic().equals(topic)) {
            throw ReplayRefused.conflict("this edge reads the log " + topic + ", not " + request.topic());
        }
        int partitions = consumer.epoch().partitionCount();
        Integer only = request.channel() == null ? null : consumer.partitionOf(request.channel());
        for (ReplayRange r : request.ranges()) {
            if (r.partition() >= partitions) {
                throw ReplayRefused.invalid("partition " + r.partition() + " does not exist: the log " + topic + " has " + partitions);
            }
            if (only != null && r.partition() != only) {
                throw ReplayRefused.invalid("channel " + request.channel() + " lives in partition " + only + ", not " + r.partition());
            }
        }
        if (request.mode() == ReplayRequest.Mode.REDELIVER && index.subscriptions() == 0) {
            LOG.info("replay of {} in redeliver mode while nobody is subscribed here: nothing will be sent", request.ranges());
        }
        Map<TopicPartition, Long> start = offsets(request, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(request, OffsetSpec.latest());
        for (ReplayRange r : request.ranges()) {
            TopicPartition tp = new TopicPartition(topic, r.partition());
            if (r.offsets() > 0 && r.fromOffset() < start.get(tp)) {
                throw ReplayRefused.conflict("partition " + r.partition() + ": the range starts at offset " + r.fromOffset()
                        + ", before the log start " + start.get(tp) + " (retention deleted the records before it); plan the replay again");
            }
            if (r.toOffset() > end.get(tp)) {
                throw ReplayRefused.invalid("partition " + r.partition() + ": the range ends at offset " + r.toOffset()
                        + ", past the log end " + end.get(tp));
            }
        }
    }

    private Map<TopicPartition, Long> offsets(ReplayRequest request, OffsetSpec spec) throws ReplayRefused {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (ReplayRange r : request.ranges()) {
            ask.put(new TopicPartition(topic, r.partition()), spec);
        }
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info = admin().listOffsets(ask).all()
                    .get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            info.forEach((tp, i) -> out.put(tp, i.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReplayRefused.conflict("interrupted while reading the log's offsets");
        } catch (ExecutionException | TimeoutException e) {
            throw ReplayRefused.conflict("cannot read the log's offsets now: " + e.getMessage());
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> props = new HashMap<>(clientProps);
            props.putIfAbsent("client.id", "herald-edge-" + edgeId + "-replay-admin");
            admin = Admin.create(props);
        }
        return admin;
    }

    /** Cancels a running replay, waits for its thread (at most 30 s), and closes the admin client. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            if (running != null) {
                running.cancel();
            }
            t = runner;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }
}
