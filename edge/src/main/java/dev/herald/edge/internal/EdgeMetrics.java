package dev.herald.edge.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.herald.lane.MulticastReceiver;
import dev.herald.lane.MulticastSender;
import dev.herald.schemas.ephemeral.DropReason;
import dev.herald.schemas.protocol.CloseCode;
import dev.herald.schemas.protocol.RetainedReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The edge's connection meters: {@code herald_edge_connections{protocol="ws"|"sse"}}, {@code herald_edge_subscriptions},
 * {@code herald_edge_deliveries_total}, {@code herald_edge_egress_bytes_total} (the bytes of those event frames),
 * {@code herald_edge_ephemeral_deliveries_total},
 * {@code herald_edge_ephemeral_skipped_total{reason="queue"|"backlog"}} (ephemeral frames not queued to a connection: its queue
 * over half full, or its I/O thread {@link IoThreadTasks behind}), {@code herald_edge_handoff_backlog} (events handed to I/O
 * threads, not yet offered to connections), {@code herald_edge_queue_bytes} (frames waiting, all
 * connections), {@code herald_edge_slow_consumer_closes_total}, {@code herald_edge_idle_closes_total},
 * {@code herald_edge_resumes_total{result="recovered"|"not_recovered"|"refused"|"failed"}} (refused: the resume
 * queue was full; failed: the missed events could not be read, logged; a replay that fails part-way was counted
 * recovered first), {@code herald_edge_resume_queue} (resumes
 * waiting for a worker), {@code herald_edge_resume_log_readers} (Kafka consumers open for resumes),
 * {@code herald_edge_replay_buffer_bytes} (live events held while their subscribers' replays run),
 * {@code herald_edge_task_failures_total} (I/O thread tasks that threw; the others went on),
 * {@code herald_edge_history_requests_total{result="ok"|"bad_request"|"unauthorized"|"forbidden"|"gone"|"unavailable"|"other"}}
 * (history route answers: 200; 400 or 405; 401; 403; 409 or 410, a position of another log or older than
 * it holds; 503, the log out of reach or too many reads waiting; anything else) and {@code herald_edge_history_latency_seconds} (pages served, request to answer),
 * {@code herald_edge_conflated_total} (events of {@code "mode":"latest"} subscriptions that replaced an older one still waiting
 * in a connection's queue), {@code herald_edge_retained_total{result="sent"|"none"|"unavailable"|"loading"|"epoch_mismatch"}}
 * (subscribes that asked for their channel's latest value, by what they got) and
 * {@code herald_edge_latest_requests_total{result="ok"|"not_found"|"bad_request"|"unauthorized"|"forbidden"|"unavailable"|"other"}}
 * (answers of {@code GET /v1/channels/{channel}/latest}).
 * Thread-safe.
 */
public final class EdgeMetrics {

    private final Set<EdgeConnection> connections = ConcurrentHashMap.newKeySet();
    private final Counter deliveries;
    private final Counter egress;
    private final Counter ephemeralDeliveries;
    private final Counter ephemeralSkipsQueue;
    private final Counter ephemeralSkipsBacklog;
    private final MeterRegistry registry;
    private final Counter slowCloses;
    private final Counter idleCloses;
    private final Counter resumesRecovered;
    private final Counter resumesNotRecovered;
    private final Counter resumesRefused;
    private final Counter resumesFailed;
    private final LongAdder replayBuffer = new LongAdder();
    private final Map<String, Counter> historyRequests = new ConcurrentHashMap<>();
    private final Timer historyLatency;
    private final Counter conflated;
    private final Map<String, Counter> retained = new ConcurrentHashMap<>();
    private final Map<String, Counter> latestRequests = new ConcurrentHashMap<>();

    public EdgeMetrics(MeterRegistry registry, SubscriptionIndex index, IoThreadTasks ioTasks) {
        for (String protocol : new String[] {"ws", "sse"}) {
            Gauge.builder("herald.edge.connections", connections, cs -> cs.stream().filter(c -> c.protocol().equals(protocol)).count())
                    .tag("protocol", protocol).description("Open client connections").register(registry);
        }
        Gauge.builder("herald.edge.subscriptions", index, SubscriptionIndex::subscriptions)
                .description("Channel subscriptions of all open connections").register(registry);
        Gauge.builder("herald.edge.queue", connections, cs -> cs.stream().mapToLong(EdgeConnection::queuedBytes).sum()).baseUnit("bytes")
                .description("Bytes of frames waiting in the connections' outbound queues, all connections").register(registry);
        this.registry = registry;
        deliveries = Counter.builder("herald.edge.deliveries").description("Event frames queued to connections, live and replayed")
                .register(registry);
        egress = Counter.builder("herald.edge.egress").baseUnit("bytes")
                .description("Bytes of the event frames queued to connections, live and replayed (without WebSocket or SSE framing)")
                .register(registry);
        ephemeralDeliveries = Counter.builder("herald.edge.ephemeral.deliveries").description("Ephemeral event frames queued to connections")
                .register(registry);
        ephemeralSkipsQueue = ephemeralSkips("queue", registry);
        ephemeralSkipsBacklog = ephemeralSkips("backlog", registry);
        Gauge.builder("herald.edge.handoff.backlog", ioTasks, IoThreadTasks::handOffBacklog)
                .description("Events handed to I/O threads and not yet offered to their connections").register(registry);
        slowCloses = Counter.builder("herald.edge.slow.consumer.closes").description("Connections closed with " + CloseCode.SLOW_CONSUMER.code())
                .register(registry);
        idleCloses = Counter.builder("herald.edge.idle.closes").description("WebSockets dropped as silent past ws.idle.timeout.ms")
                .register(registry);
        resumesRecovered = resumes("recovered", registry);
        resumesNotRecovered = resumes("not_recovered", registry);
        resumesRefused = resumes("refused", registry);
        resumesFailed = resumes("failed", registry);
        Gauge.builder("herald.edge.replay.buffer", replayBuffer, LongAdder::sum).baseUnit("bytes")
                .description("Live events held while their subscribers' replays run").register(registry);
        FunctionCounter.builder("herald.edge.oversized.events", index, SubscriptionIndex::oversizedEvents)
                .description("Events whose frame is larger than a connection's queue takes: no subscriber can receive them "
                        + "(queue.max.bytes and event.max.bytes below what producers write)").register(registry);
        for (String result : new String[] {"ok", "bad_request", "unauthorized", "forbidden", "gone", "unavailable", "other"}) {
            historyRequests.put(result, Counter.builder("herald.edge.history.requests").tag("result", result)
                    .description("Requests of the history route (GET /v1/channels/{channel}/events), by answer").register(registry));
        }
        historyLatency = Timer.builder("herald.edge.history.latency")
                .description("Time to serve a page of the history route, from its request to its 200 answer")
                .publishPercentileHistogram().register(registry);
        conflated = Counter.builder("herald.edge.conflated")
                .description("Events of mode:latest subscriptions that replaced an older event of their channel still waiting in a "
                        + "connection's queue (the older one is never sent)").register(registry);
        for (String result : new String[] {"sent", "none", "unavailable", "loading", "epoch_mismatch"}) {
            retained.put(result, Counter.builder("herald.edge.retained").tag("result", result)
                    .description("Subscribes that asked for their channel's latest value (last:true), by what they got: the value, "
                            + "or why none").register(registry));
        }
        for (String result : new String[] {"ok", "not_found", "bad_request", "unauthorized", "forbidden", "unavailable", "other"}) {
            latestRequests.put(result, Counter.builder("herald.edge.latest.requests").tag("result", result)
                    .description("Requests of GET /v1/channels/{channel}/latest, by answer").register(registry));
        }
        FunctionCounter.builder("herald.edge.task.failures", ioTasks, IoThreadTasks::taskFailures)
                .description("I/O thread tasks (or one connection's part of one) that threw; the tasks after them ran").register(registry);
    }

    private static Counter resumes(String result, MeterRegistry registry) {
        return Counter.builder("herald.edge.resumes").tag("result", result)
                .description("Subscribes with a resume position, by outcome").register(registry);
    }

    /** Exports the resume workers' queue and the log readers. */
    void bindResumes(ThreadPoolExecutor workers, ResumeReader reader) {
        Gauge.builder("herald.edge.resume.queue", workers, w -> w.getQueue().size())
                .description("Resumes waiting for a worker").register(registry);
        Gauge.builder("herald.edge.resume.log.readers", reader, ResumeReader::openLogReaders)
                .description("Kafka consumers open for resumes (at most resume.workers)").register(registry);
    }

    /** Bytes of live events buffered by every cursor during replays; cursors add and subtract. */
    LongAdder replayBuffer() {
        return replayBuffer;
    }

    void resumeRefused() {
        resumesRefused.increment();
    }

    void resumeFailed() {
        resumesFailed.increment();
    }

    private static Counter ephemeralSkips(String reason, MeterRegistry registry) {
        return Counter.builder("herald.edge.ephemeral.skipped").tag("reason", reason)
                .description("Ephemeral event frames not queued to a connection: its queue over half full, or its I/O thread behind")
                .register(registry);
    }

    void opened(EdgeConnection c) {
        connections.add(c);
    }

    void closed(EdgeConnection c) {
        connections.remove(c);
    }

    /** Counts an event frame of {@code bytes} queued to a connection. */
    void delivered(int bytes) {
        deliveries.increment();
        egress.increment(bytes);
    }

    /** Counts an ephemeral frame offered to a connection: queued, or skipped for want of room. */
    void ephemeral(OutboundQueue.Offer offer) {
        if (offer == OutboundQueue.Offer.QUEUED) {
            ephemeralDeliveries.increment();
        } else if (offer == OutboundQueue.Offer.SKIPPED) {
            ephemeralSkipsQueue.increment();
        }
    }

    /** Counts ephemeral frames that {@code cursors} skipped because their I/O thread was behind. */
    void ephemeralBacklogSkips(int cursors) {
        if (cursors > 0) {
            ephemeralSkipsBacklog.increment(cursors);
        }
    }

    /**
     * Exports the ephemeral lane: {@code herald_ephemeral_sent_total{result}} (this edge's
     * clients' publishes), {@code herald_ephemeral_received_total},
     * {@code herald_ephemeral_dropped_total{reason}} and {@code herald_ephemeral_lost_total} (by
     * the senders' sequence gaps).
     */
    void bindLane(MulticastSender sender, MulticastReceiver receiver) {
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::sent)
                .description("Ephemeral events by what the lane did with them").tag("result", "sent").register(registry);
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::tooLarge)
                .description("Ephemeral events by what the lane did with them").tag("result", "too_large").register(registry);
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::failed)
                .description("Ephemeral events by what the lane did with them").tag("result", "failed").register(registry);
        FunctionCounter.builder("herald.ephemeral.received", receiver, MulticastReceiver::received)
                .description("Datagrams accepted from the lane").register(registry);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("herald.ephemeral.dropped", receiver, r -> r.dropped(reason))
                    .description("Datagrams dropped, by reason").tag("reason", reason.tag()).register(registry);
        }
        FunctionCounter.builder("herald.ephemeral.receiver.failures", receiver, MulticastReceiver::failures)
                .description("Lane receives or hand-offs that failed (logged); the receiver went on").register(registry);
        FunctionCounter.builder("herald.ephemeral.lost", receiver, MulticastReceiver::lost)
                .description("Datagrams never received, from gaps in the senders' sequences").register(registry);
    }

    void slowConsumerClosed() {
        slowCloses.increment();
    }

    void idleClosed() {
        idleCloses.increment();
    }

    void resumed(boolean recovered) {
        (recovered ? resumesRecovered : resumesNotRecovered).increment();
    }

    /** Counts a history request answered {@code status} after {@code nanos}; a page served (200) is timed too. */
    void history(int status, long nanos) {
        String result = switch (status) {
            case 200 -> "ok";
            case 400, 405 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 409, 410 -> "gone";
            case 503 -> "unavailable";
            default -> "other";
        };
        historyRequests.get(result).increment();
        if (status == 200) {
            historyLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts an event of a {@code "mode":"latest"} subscription that replaced an older one waiting. */
    void conflated() {
        conflated.increment();
    }

    /** Counts a subscribe that asked for its channel's latest value: sent ({@code missing} null), or why not. */
    void retained(RetainedReason missing) {
        retained.get(missing == null ? "sent" : missing.wire().replace('-', '_')).increment();
    }

    /** Counts an answer of the latest-value route. */
    void latestRequest(int status) {
        String result = switch (status) {
            case 200 -> "ok";
            case 404 -> "not_found";
            case 400, 405 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 503 -> "unavailable";
            default -> "other";
        };
        latestRequests.get(result).increment();
    }

    /** Open connections now. */
    public int connections() {
        return connections.size();
    }

    /** The open connections, a live view; for draining. */
    Iterable<EdgeConnection> openConnections() {
        return connections;
    }
}
