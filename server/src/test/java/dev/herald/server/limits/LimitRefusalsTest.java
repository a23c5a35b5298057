package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LimitRefusalsTest {

    @Test
    void refusalsAreExportedAsOneCounterPerReason() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LimitRefusals refusals = new LimitRefusals().bindTo(registry);

        refusals.record(LimitReason.PUBLISHES);
        refusals.record(LimitReason.PUBLISHES);
        refusals.record(LimitReason.NEW_CONNECTIONS);

        assertThat(registry.get(LimitRefusals.METRIC).tag("reason", "publishes").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get(LimitRefusals.METRIC).tag("reason", "new_connections").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(LimitRefusals.METRIC).functionCounters()).hasSize(LimitReason.values().length)
                .allSatisfy(c -> assertThat(c.getId().getDescription()).isNotBlank());
        FunctionCounter frames = registry.get(LimitRefusals.METRIC).tag("reason", "frames").functionCounter();
        assertThat(frames.count()).isZero();
    }
}
