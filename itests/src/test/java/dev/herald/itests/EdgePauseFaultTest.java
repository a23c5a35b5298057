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
 * Fault 4: an edge frozen ({@code docker pause}) for longer than its Kafka consumer's session and
 * poll timeouts, then unpaused: its consumer has been dropped from its group meanwhile, rejoins,
 * and goes on from its committed offsets; its subscribers, whose connections stayed open, get
 * everything they missed.
 */
@ExtendWith(DockerEngine.class)
class EdgePauseFaultTest {

    static final String FAULT = "edge-pause";
    static final Duration PAUSE = Duration.ofMillis(ContainerCluster.MAX_POLL_INTERVAL_MS + 10_000);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anEdgePausedPastItsConsumerTimeoutsCatchesItsSubscribersUp() throws Exception {
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "paused", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            cluster.edge(0).pause();
            FaultSuite.run(PAUSE);
            cluster.edge(0).unpause();
            FaultSuite.run(Duration.ofSeconds(10));

            FaultSuite.judge(traffic, 4, FAULT, "Edge paused past its consumer's timeouts",
                    "`docker pause` of edge 1 for " + PAUSE.toSeconds() + " s, past its Kafka consumer's session timeout ("
                            + ContainerCluster.SESSION_TIMEOUT_MS / 1000 + " s) and poll interval ("
                            + ContainerCluster.MAX_POLL_INTERVAL_MS / 1000 + " s), then `docker unpause`, while 4 publishers sent "
                            + "about 100 events/s to 6 channels followed by 20 WebSocket subscribers, half of them on edge 1 (their "
                            + "connections stayed open throughout).", start);
        }
    }
}
