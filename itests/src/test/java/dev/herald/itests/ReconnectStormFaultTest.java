package dev.herald.itests;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    static final String FAULT = "reconnect-storm";
    static final int SUBSCRIBERS = 10_000;
    static final int JITTER_MS = 5_000;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void tenThousandSubscribersDroppedAtOnceAllResumeOnTheOtherEdge() throws Exception {
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "storm", 2, SUBSCRIBERS, 2, 10, Duration.ofMillis(JITTER_MS))) {
            traffic.start(List.of(0));
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            traffic.edgesUp(List.of(1));
            cluster.edge(0).kill();
            traffic.awaitSubscribed(Duration.ofMinutes(3));
            long resumed = System.nanoTime() - start;
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, 7, FAULT, "Reconnect storm: " + String.format("%,d", SUBSCRIBERS) + " subscribers dropped at once",
                    String.format("%,d WebSocket subscribers of 2 channels, all on edge 1, dropped at once by `docker kill` of edge 1; "
                            + "each reconnected to edge 2 after a random pause of up to %.0f s and resumed from its position (all "
                            + "subscribed again %.1f s after the kill), while 2 publishers sent about 10 events/s.", SUBSCRIBERS,
                            JITTER_MS / 1000.0, resumed / 1e9), start);
        }
    }
}
