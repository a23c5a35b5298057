package dev.herald.fanout;

import java.util.Map;
import java.util.Objects;

/**
 * How an edge consumes the log.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topic            the log topic
 * @param edgeId           this edge's id; its consumer group is {@code herald-edge-<edgeId>}
 * @param kafkaOverrides   further Kafka consumer settings (security and the like)
 */
public record FanoutSettings(String bootstrapServers, String topic, String edgeId, Map<String, Object> kafkaOverrides) {

    public FanoutSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(edgeId, "edgeId");
        kafkaOverrides = Map.copyOf(kafkaOverrides);
    }

    /** The consumer group of this edge. */
    public String groupId() {
        return "herald-edge-" + edgeId;
    }
}
