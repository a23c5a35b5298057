package dev.herald.streams.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The topology's own meters, beside Kafka Streams' (which {@code KafkaStreamsMetrics} exports):
 * <ul>
 *   <li>{@code herald_streams_log_records_total{kind}}: records read from the log, by kind:
 *       {@code event} (retained as its channel's latest, metered), {@code clear} (a
 *       {@code clear-latest} control record: a tombstone), {@code malformed} (skipped);</li>
 *   <li>{@code herald_streams_metered_bytes_total}: payload bytes of the events metered.</li>
 * </ul>
 * Thread-safe: every stream thread counts into the same meters.
 */
public final class TopologyMeters {

    private final Counter events;
    private final Counter clears;
    private final Counter malformed;
    private final Counter bytes;

    /** Registers the meters in {@code registry}. */
    public TopologyMeters(MeterRegistry registry) {
        events = records(registry, "event");
        clears = records(registry, "clear");
        malformed = records(registry, "malformed");
        bytes = Counter.builder("herald.streams.metered.bytes").baseUnit("bytes")
                .description("Payload bytes of the events the streams service metered into herald.stats").register(registry);
    }

    private static Counter records(MeterRegistry registry, String kind) {
        return Counter.builder("herald.streams.log.records").tag("kind", kind)
                .description("Records the streams service read from the log, by kind: event, clear (clear-latest), malformed (skipped)")
                .register(registry);
    }

    void event(long payloadBytes) {
        events.increment();
        bytes.increment(payloadBytes);
    }

    void clear() {
        clears.increment();
    }

    void malformed() {
        malformed.increment();
    }
}
