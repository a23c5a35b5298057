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
 * Fault 4: an edge frozen ({@code docker pause}) for longer than its Kafka consumer's session and
 * poll timeouts, then unpaused: its consumer has been dropped from its group meanwhile, rejoins,
 * and goes on from its committed offsets; its subscribers, whose connections stay open, get
 * everything they missed. The time to recover runs from the unpause.
 */
@ExtendWith(DockerEngine.class)
class EdgePauseFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(4, "edge-pause", "Edge paused past its consumer's timeouts");
    static final Duration PAUSE = Duration.ofMillis(ContainerCluster.MAX_POLL_INTERVAL_MS + 10_000);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anEdgePausedPastItsConsumerTimeoutsCatchesItsSubscribersUp() throws Exception {
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), 2);
             FaultTraffic traffic = new FaultTraffic(cluster, "paused", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            long opened = traffic.connectionsOpened();
            cluster.edge(0).pause();
            FaultSuite.run(PAUSE);
            traffic.ledger().mark("unpause");
            cluster.edge(0).unpause();
            FaultSuite.run(Duration.ofSeconds(10));

            FaultSuite.judge(traffic, FAULT, List.of("unpause"), "from the unpause: the paused edge's subscribers had everything "
                            + "acknowledged before it and every subscriber received new events on every channel again",
                    "`docker pause` of edge 1 for " + PAUSE.toSeconds() + " s, past its Kafka consumer's session timeout ("
                            + ContainerCluster.SESSION_TIMEOUT_MS / 1000 + " s) and poll interval ("
                            + ContainerCluster.MAX_POLL_INTERVAL_MS / 1000 + " s), then `docker unpause`, while 4 publishers sent "
                            + "about 100 events/s to 6 channels followed by 20 WebSocket subscribers, half of them on edge 1, whose "
                            + "connections stayed open throughout.", start,
                    report -> assertThat(traffic.connectionsOpened()).as("no subscriber reconnected: the connections stayed open")
                            .isEqualTo(opened));
        }
    }
}
