package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 3: an edge is killed (SIGKILL, {@code docker kill}) under load and restarted. Its
 * subscribers reconnect to the other edge meanwhile and resume from their positions; the restarted
 * edge catches up from its committed offsets, and half of all subscribers then resume on it. The
 * time to recover runs from the restart.
 */
@ExtendWith(DockerEngine.class)
class EdgeKillFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(3, "edge-kill", "Edge killed (SIGKILL), restarted 15 s later");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void subscribersOfAKilledEdgeResumeOnTheOtherAndMissNothing() throws Exception {
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "edgekill", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            long opened = traffic.connectionsOpened();
            traffic.ledger().mark("kill");
            traffic.edgesUp(List.of(1));
            cluster.edge(0).kill();
            FaultSuite.run(Duration.ofSeconds(15));
            long failedOver = traffic.connectionsOpened() - opened;
            traffic.ledger().mark("restart");
            cluster.edge(0).startAgain();
            traffic.edgesUp(List.of(0, 1));
            traffic.move(2, 0); // half of all subscribers resume on the restarted edge
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, FAULT, List.of("restart"), "from the restart: every subscriber, half of them resumed on the "
                            + "restarted edge, had everything acknowledged before it and received new events on every channel again",
                    "`docker kill` of edge 1 while 4 publishers sent about 100 events/s to 6 channels followed by 20 WebSocket "
                            + "subscribers, half of them on edge 1; they reconnected to edge 2 after a random pause of up to 0.5 s and "
                            + "resumed; edge 1 was started again after 15 s, and half of all subscribers then resumed on it.", start,
                    report -> {
                        assertThat(failedOver).as("connections opened to edge 2 while edge 1 was down").isGreaterThanOrEqualTo(10);
                        DeliveryReport.Recovery failover = report.recovery("kill");
                        assertThat(failover.deliveryResumed()).as("deliveries resumed after the kill").isPresent();
                    });
        }
    }
}
