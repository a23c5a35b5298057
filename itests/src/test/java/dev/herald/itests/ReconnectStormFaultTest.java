package dev.herald.itests;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 7: a reconnect storm. {@value #SUBSCRIBERS} subscribers, all on one edge, are dropped at
 * once (the edge is killed) and reconnect within {@value #JITTER_MS} ms of jitter to the other
 * edge, each resuming from its position. The other edge takes them all, and every one gets what it
 * missed.
 */
@ExtendWith(DockerEngine.class)
class ReconnectStormFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(7, "reconnect-storm", "Reconnect storm: "
            + String.format("%,d", Integer.getInteger("herald.storm.subscribers", 10_000)) + " subscribers dropped at once");
    static final int SUBSCRIBERS = Integer.getInteger("herald.storm.subscribers", 10_000);
    static final int JITTER_MS = 5_000;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void tenThousandSubscribersDroppedAtOnceAllResumeOnTheOtherEdge() throws Exception {
        // every subscriber comes from 127.0.0.1 here, where a real storm comes from many addresses:
        // the per-address connection limits (which would answer 429) are off on both edges
        ContainerCluster.Options options = ContainerCluster.Options.edges(2)
                .withEdgeSetting("limits.connections.per.address", "0")
                .withEdgeSetting("limits.new.connections.rate", "off");
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), options);
             // 2 events/s: every event is 10,000 receipts in the ledger, which holds at most 5 million
             FaultTraffic traffic = new FaultTraffic(cluster, "storm", 2, SUBSCRIBERS, 1, 2, Duration.ofMillis(JITTER_MS))) {
            traffic.start(List.of(0));
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark("drop");
            traffic.edgesUp(List.of(1));
            cluster.edge(0).kill();
            traffic.awaitSubscribed(Duration.ofMinutes(3));
            long resumed = System.nanoTime() - start;
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, FAULT, List.of("drop"), "from the drop: every subscriber resumed on the other edge, had "
                            + "everything acknowledged before the drop and received new events on every channel again",
                    String.format("%,d WebSocket subscribers of 2 channels, all on edge 1, dropped at once by `docker kill` of edge 1; "
                            + "each reconnected to edge 2 after a random pause of up to %.0f s and resumed from its position (all "
                            + "subscribed again %.1f s after the kill), while a publisher sent about 2 events/s. All clients come "
                            + "from 127.0.0.1, so the edges' per-address connection limits were off.", SUBSCRIBERS,
                            JITTER_MS / 1000.0, resumed / 1e9), start, report -> { });
        }
    }
}
