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
 * Fault 3: an edge is killed (SIGKILL, {@code docker kill}) under load and restarted. Its
 * subscribers reconnect to the other edge meanwhile and resume from their positions; the restarted
 * edge catches up from its committed offsets and serves again.
 */
@ExtendWith(DockerEngine.class)
class EdgeKillFaultTest {

    static final String FAULT = "edge-kill";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void subscribersOfAKilledEdgeResumeOnTheOtherAndMissNothing() throws Exception {
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "edgekill", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            traffic.edgesUp(List.of(1));
            cluster.edge(0).kill();
            FaultSuite.run(Duration.ofSeconds(15));
            cluster.edge(0).startAgain();
            traffic.edgesUp(List.of(0, 1));
            traffic.move(2, 0); // half of all subscribers resume on the restarted edge
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, 3, FAULT, "Edge killed (SIGKILL), restarted 15 s later",
                    "`docker kill` of edge 1 while 4 publishers sent about 100 events/s to 6 channels followed by 20 WebSocket "
                            + "subscribers, half of them on edge 1; they reconnected to edge 2 within 0.5 s and resumed; edge 1 was "
                            + "started again after 15 s, and half of all subscribers then resumed on it.", start);
        }
    }
}
