package dev.herald.itests;

import java.time.Duration;
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
 * and the next waits until every replica is back in sync.
 */
@ExtendWith(DockerEngine.class)
class RollingRestartFaultTest {

    static final String FAULT = "rolling-restart";

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void restartingEveryBrokerInTurnLosesNoAcknowledgedEvent() throws Exception {
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "rolling", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            for (int node = 1; node <= 3; node++) {
                cluster.broker(node).stop(Duration.ofSeconds(60));
                FaultSuite.run(Duration.ofSeconds(3));
                cluster.broker(node).startAgain();
                cluster.awaitAllInSync(Duration.ofSeconds(120));
            }
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, 2, FAULT, "Rolling restart of all three brokers",
                    "Each broker in turn stopped with `docker stop` (a controlled shutdown), started again 3 s later, and every "
                            + "replica back in sync before the next, while 4 publishers sent about 100 events/s to 6 channels followed "
                            + "by 20 WebSocket subscribers over two edges.", start);
        }
    }
}
