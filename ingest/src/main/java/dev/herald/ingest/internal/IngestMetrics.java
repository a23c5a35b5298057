package dev.herald.ingest.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.herald.lane.MulticastSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Ingest's own meters:
 * <ul>
 *   <li>{@code herald_ingest_publish_total{api,result}}: publishes by API ({@code single},
 *       {@code batch}) and result ({@code created}, {@code replayed}, {@code accepted} (ephemeral),
 *       {@code invalid}, {@code too_large}, {@code unavailable}, {@code not_implemented});</li>
 *   <li>{@code herald_ephemeral_sent_total{result}}: ephemeral events sent to the lane, refused as
 *       too large for a datagram, or refused by the socket;</li>
 *   <li>{@code herald_ingest_publish_ack_seconds}: time from handing an event to the producer
 *       to Kafka's acks=all acknowledgement, as a histogram;</li>
 *   <li>{@code herald_ingest_latest_clears_total{result}}: clears of a channel's latest value
 *       ({@code DELETE /v1/channels/{channel}/latest}) by result ({@code created}: in the log,
 *       {@code invalid}, {@code forbidden}, {@code limited}, {@code unavailable});</li>
 *   <li>{@code herald_ingest_log_ready}: 1 while Kafka answers for the log topic.</li>
 * </ul>
 * Thread-safe.
 */
public final class IngestMetrics {

    /** The result tag of a publish. */
    public enum Result { CREATED, REPLAYED, ACCEPTED, INVALID, TOO_LARGE, UNAVAILABLE, NOT_IMPLEMENTED, FORBIDDEN, LIMITED }

    /** Which endpoint took the publish. */
    public enum Api { SINGLE, BATCH }

    private final Counter[][] publishes = new Counter[Api.values().length][Result.values().length];
    private final Counter[] latestClears = new Counter[Result.values().length];
    private final Timer ackLatency;
    private final MeterRegistry registry;

    IngestMetrics(MeterRegistry registry, LogMonitor monitor) {
        this.registry = registry;
        for (Api api : Api.values()) {
            for (Result result : Result.values()) {
                publishes[api.ordinal()][result.ordinal()] = Counter.builder("herald.ingest.publish")
                        .description("Publishes by API and result")
                        .tag("api", api.name().toLowerCase())
                        .tag("result", result.name().toLowerCase())
                        .register(registry);
            }
        }
        for (Result result : List.of(Result.CREATED, Result.INVALID, Result.FORBIDDEN, Result.LIMITED, Result.UNAVAILABLE)) {
            latestClears[result.ordinal()] = Counter.builder("herald.ingest.latest.clears")
                    .description("Clears of a channel's latest value (DELETE /v1/channels/{channel}/latest) by result")
                    .tag("result", result.name().toLowerCase())
                    .register(registry);
        }
        ackLatency = Timer.builder("herald.ingest.publish.ack")
                .description("Time from handing an event to the Kafka producer to its acks=all acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("herald.ingest.log.ready", monitor, m -> m.isReady() ? 1 : 0)
                .description("1 while Kafka answers for the log topic (ingest is ready), else 0").register(registry);
    }

    /** Exports the ephemeral lane's sender: {@code herald_ephemeral_sent_total{result}}. */
    void bindLane(MulticastSender sender) {
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::sent)
                .description("Ephemeral events by what the lane did with them").tag("result", "sent").register(registry);
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::tooLarge)
                .description("Ephemeral events by what the lane did with them").tag("result", "too_large").register(registry);
        FunctionCounter.builder("herald.ephemeral.sent", sender, MulticastSender::failed)
                .description("Ephemeral events by what the lane did with them").tag("result", "failed").register(registry);
    }

    void publish(Api api, Result result) {
        publishes[api.ordinal()][result.ordinal()].increment();
    }

    /** Counts a clear of a channel's latest value; {@code result} is one of those registered in the constructor. */
    void latestClear(Result result) {
        latestClears[result.ordinal()].increment();
    }

    void ackLatency(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
