package dev.herald.itests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 2: a rolling restart of the three brokers, one at a time, as an operator upgrades a
 * cluster: each is stopped ({@code docker stop}: SIGTERM, a controlled shutdown), started again,
 * and the next waits until every replica is back in sync. The time to recover is the longest over
 * the three stops.
 */
@ExtendWith(DockerEngine.class)
class RollingRestartFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(2, "rolling-restart", "Rolling restart of all three brokers");

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void restartingEveryBrokerInTurnLosesNoAcknowledgedEvent() throws Exception {
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "rolling", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            List<String> marks = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                marks.add("stop-" + node);
                traffic.ledger().mark("stop-" + node);
                cluster.broker(node).stop(Duration.ofSeconds(60));
                FaultSuite.run(Duration.ofSeconds(3));
                cluster.broker(node).startAgain();
                cluster.awaitAllInSync(Duration.ofSeconds(120));
            }
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, FAULT, marks, "the longest of the three stops: from a broker's stop until every subscriber had "
                            + "everything acknowledged before it and received new events on every channel again",
                    "Each broker in turn stopped with `docker stop` (a controlled shutdown), started again 3 s later, and every "
                            + "replica back in sync before the next, while 4 publishers sent about 100 events/s to 6 channels followed "
                            + "by 20 WebSocket subscribers over two edges.", start, report -> { });
        }
    }
}
