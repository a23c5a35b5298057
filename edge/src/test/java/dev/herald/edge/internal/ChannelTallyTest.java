package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The busiest channels in bounded space: ranked by bytes lately, the top ones metered, the rest not. */
class ChannelTallyTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ChannelTally tally = new ChannelTally(nanos::get);

    @Test
    void ranksChannelsByBytesDeliveredAndCountsEachExactlyWhileTracked() {
        tally.add("small", 1_000, 10);     // 10 kB to a thousand subscribers
        tally.add("large", 2, 100_000);    // 200 kB to two
        tally.add("large", 2, 100_000);
        tally.add("nobody", 0, 1_000_000); // no subscriber: nothing delivered

        List<ChannelTally.Entry> top = tally.top(10);
        assertThat(top).extracting(ChannelTally.Entry::channel).containsExactly("large", "small");
        assertThat(top.get(0).deliveries()).isEqualTo(4);
        assertThat(top.get(0).bytes()).isEqualTo(400_000);
        assertThat(top.get(1).deliveries()).isEqualTo(1_000);
    }

    @Test
    void tracksAtMostItsCapacityAndKeepsTheHeavyChannelsAmongManyLightOnes() {
        for (int round = 0; round < 3; round++) {
            tally.add("heavy-1", 10, 10_000);
            tally.add("heavy-2", 10, 5_000);
            for (int i = 0; i < 10 * ChannelTally.CAPACITY; i++) {
                tally.add("light-" + round + "-" + i, 1, 100);
            }
        }
        assertThat(tally.top(Integer.MAX_VALUE)).hasSize(ChannelTally.CAPACITY);
        assertThat(tally.top(2)).extracting(ChannelTally.Entry::channel).containsExactly("heavy-1", "heavy-2");
    }

    @Test
    void busiestMeansLately() {
        tally.add("yesterday", 1, 1_000_000);
        for (int minute = 0; minute < 10; minute++) {
            nanos.addAndGet(ChannelTally.DECAY_INTERVAL_NS);
            tally.add("today", 1, 10_000);
        }
        assertThat(tally.top(1)).extracting(ChannelTally.Entry::channel).containsExactly("today");
        assertThat(tally.top(2).get(1).bytes()).as("its own count is not decayed").isEqualTo(1_000_000);
    }

    @Test
    void onlyTheTopChannelsGetMetersAndTheyKeepThemUntilTheyFallFarBehind() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ChannelMeters meters = new ChannelMeters(registry, tally);
        for (int i = 0; i < 3 * ChannelMeters.TOP; i++) {
            tally.add("c" + i, 1, 1_000 * (i + 1)); // c29 the busiest
        }
        meters.sync();
        assertThat(meters.channels()).hasSize(ChannelMeters.TOP).contains("c29", "c20").doesNotContain("c19");
        assertThat(registry.find("herald.edge.channel.delivered").tag("channel", "c29").functionCounter().count()).isEqualTo(30_000);
        assertThat(registry.find("herald.edge.channel.deliveries").tag("channel", "c29").functionCounter().count()).isEqualTo(1);

        for (int i = 0; i < ChannelMeters.TOP; i++) {
            tally.add("new" + i, 1, 100_000); // ten channels busier than all: c20..c29 fall to 11th to 20th
        }
        meters.sync();
        assertThat(meters.channels()).hasSize(2 * ChannelMeters.TOP).contains("new0", "c29", "c20");
        for (int i = 0; i < ChannelMeters.TOP; i++) {
            tally.add("newer" + i, 1, 1_000_000); // and ten more: c20..c29 fall out of the 20 busiest
        }
        meters.sync();
        assertThat(meters.channels()).doesNotContain("c29", "c20").contains("newer0", "new0");
        assertThat(registry.find("herald.edge.channel.delivered").tag("channel", "c29").functionCounter()).isNull();
        assertThat(registry.find("herald.edge.channel.delivered").functionCounters()).hasSizeLessThanOrEqualTo(ChannelMeters.KEEP);
    }
}
