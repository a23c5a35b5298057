package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The lag in time: 0 caught up, -1 unknown, otherwise the time since the waiting records were written at the earliest. */
class PartitionLagsTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs.get());
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PartitionLags lags = new PartitionLags(registry, 2, clock);

    private double seconds(int partition) {
        return registry.get("herald.edge.consumer.lag.seconds").tag("partition", Integer.toString(partition)).gauge().value();
    }

    @Test
    void unknownUntilAssignedAndFetchedThenZeroWhenCaughtUp() {
        assertThat(seconds(0)).isEqualTo(-1);
        assertThat(registry.get("herald.edge.consumer.lag").tag("partition", "0").gauge().value()).isEqualTo(-1);
        lags.records(0, 0);
        assertThat(seconds(0)).isZero();
        lags.forget(0);
        assertThat(seconds(0)).isEqualTo(-1);
    }

    @Test
    void aBacklogAfterARestartShowsTheAgeOfTheRecordsBeingRead() {
        lags.consumed(1, nowMs.get() - 600_000); // the first poll after a restart read records ten minutes old
        lags.records(1, 50_000);
        assertThat(seconds(1)).isEqualTo(600.0);
        lags.consumed(1, nowMs.get() - 60_000);  // catching up
        nowMs.addAndGet(1_000);
        lags.records(1, 5_000);
        assertThat(seconds(1)).isEqualTo(61.0);
        lags.records(1, 0);
        assertThat(seconds(1)).isZero();
    }

    @Test
    void aQuietPartitionIsNotTakenForBehindWhenARecordArrives() {
        lags.consumed(0, nowMs.get() - 3_600_000); // the last record, an hour ago
        lags.records(0, 0);                         // caught up since
        nowMs.addAndGet(200);
        lags.records(0, 1);                         // one new record, not read yet
        assertThat(seconds(0)).as("written after the partition was last caught up").isEqualTo(0.2);
    }
}
