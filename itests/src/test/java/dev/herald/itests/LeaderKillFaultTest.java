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
 * Fault 1: the broker leading a partition of the log is killed ({@code docker kill}) under load,
 * and restarted later. Kafka elects a new leader from the in-sync replicas; publishes in flight fail
 * (503) and are retried with their key; nothing acknowledged is lost.
 */
@ExtendWith(DockerEngine.class)
class LeaderKillFaultTest {

    static final String FAULT = "leader-kill";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingThePartitionLeadersBrokerLosesNoAcknowledgedEvent() throws Exception {
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "leader", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            int leader = cluster.leaderOf(0);
            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            cluster.broker(leader).kill();
            FaultSuite.run(Duration.ofSeconds(20));
            cluster.broker(leader).startAgain();
            cluster.awaitAllInSync(Duration.ofSeconds(90));
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, 1, FAULT, "Partition leader's broker killed, restarted 20 s later",
                    "`docker kill` of the broker leading partition 0 (node " + leader + ") while 4 publishers sent about 100 events/s "
                            + "to 6 channels followed by 20 WebSocket subscribers over two edges; restarted after 20 s, then every "
                            + "replica back in sync before publishing stopped.", start);
        }
    }
}
