package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.herald.schemas.FrameCodec;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The edge's settings checked against each other at start-up. */
class EdgeConfigTest {

    @Test
    void theDefaultsHoldOneFrameOfTheLargestEventIngestAcceptsByDefault() {
        EdgeConfig defaults = new EdgeConfig(Map.of());
        assertThat(defaults.getInt(EdgeConfig.EVENT_MAX_BYTES)).isEqualTo(1_048_576);
        assertThat((long) defaults.getInt(EdgeConfig.QUEUE_MAX_BYTES))
                .isGreaterThanOrEqualTo(FrameCodec.maxFrameBytes(1_048_576))
                .isGreaterThanOrEqualTo(EdgeConfig.smallestQueueBytes(1_048_576, defaults.getInt(EdgeConfig.MAX_SUBSCRIPTIONS)));
    }

    /** Regression: a 1 MiB queue and 1 MiB events: a binary event's frame never fit, and its subscribers were closed forever. */
    @Test
    void aQueueTooSmallForTheLargestEventStopsStartUpNamingBothSettings() {
        assertThatThrownBy(() -> new EdgeConfig(Map.of(EdgeConfig.QUEUE_MAX_BYTES, "1048576")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("queue.max.bytes=1048576")
                .hasMessageContaining("event.max.bytes=1048576")
                .hasMessageContaining("at least " + EdgeConfig.smallestQueueBytes(1_048_576, 256));
        assertThat(new EdgeConfig(Map.of(EdgeConfig.QUEUE_MAX_BYTES, "1048576", EdgeConfig.EVENT_MAX_BYTES, "700000"))
                .getInt(EdgeConfig.QUEUE_MAX_BYTES)).isEqualTo(1_048_576);
    }

    @Test
    void anSseStreamOfManyChannelsNeedsRoomForItsCursorToo() {
        long few = EdgeConfig.smallestQueueBytes(1_000, 1);
        long many = EdgeConfig.smallestQueueBytes(1_000, 10_000);
        assertThat(many - few).isGreaterThanOrEqualTo(8 * 10_000L);
        assertThatThrownBy(() -> new EdgeConfig(Map.of(EdgeConfig.MAX_SUBSCRIPTIONS, "1000000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connection.max.subscriptions=1000000");
    }
}
