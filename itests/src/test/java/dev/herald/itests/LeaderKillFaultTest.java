package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Fault 1: the broker leading the partition of a followed channel is killed ({@code docker kill})
 * under load, and restarted later. Kafka elects a new leader from the in-sync replicas; publishes in
 * flight fail (503) or wait, and are retried with their key; nothing acknowledged is lost. The time
 * to recover runs from the kill: publishing and delivery on every channel again.
 */
@ExtendWith(DockerEngine.class)
class LeaderKillFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(1, "leader-kill", "Partition leader's broker killed, restarted 20 s later");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingThePartitionLeadersBrokerLosesNoAcknowledgedEvent() throws Exception {
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "leader", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            int partition = traffic.partitionOf("leader-0");
            assertThat(partition).as("leader-0 has had an acknowledged event").isNotNegative();
            int leader = cluster.leaderOf(partition);
            long start = System.nanoTime();
            traffic.ledger().mark("kill");
            cluster.broker(leader).kill();
            FaultSuite.run(Duration.ofSeconds(20));
            int newLeader = cluster.leaderOf(partition);
            cluster.broker(leader).startAgain();
            cluster.awaitAllInSync(Duration.ofSeconds(90));
            FaultSuite.run(Duration.ofSeconds(5));

            FaultSuite.judge(traffic, FAULT, List.of("kill"), "from the kill: every subscriber had everything acknowledged before it "
                            + "and received new events on every channel again",
                    "`docker kill` of node " + leader + ", the leader of partition " + partition + " (channel leader-0's), while 4 "
                            + "publishers sent about 100 events/s to 6 channels followed by 20 WebSocket subscribers over two edges; "
                            + "node " + newLeader + " led it after the kill; restarted after 20 s, every replica back in sync "
                            + "before publishing stopped.", start,
                    report -> assertThat(newLeader).as("a new leader took partition %d", partition).isNotEqualTo(leader));
        }
    }
}
