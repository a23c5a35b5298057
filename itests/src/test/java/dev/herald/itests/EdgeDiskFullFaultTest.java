package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 5: an edge's store disk fills up (its store on a size-limited tmpfs, filled by a file
 * written from inside the container), stays full for a while under load, and is freed again. The
 * edge must not lose or skip anything: writes that fail are retried, and its subscribers get every
 * event once the disk has room.
 */
@ExtendWith(DockerEngine.class)
class EdgeDiskFullFaultTest {

    static final String FAULT = "edge-disk-full";
    static final String STORE = "/var/lib/herald/edge";
    static final String FILLER = STORE + "/filler";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anEdgeWhoseStoreDiskFillsCatchesUpOnceFreed() throws Exception {
        ContainerCluster.Options options = ContainerCluster.Options.edges(2)
                .withEdgeTmpfs(STORE, "rw,size=96m,uid=10001,gid=10001,mode=0750");
        try (ContainerCluster cluster = ContainerCluster.start(FAULT, options);
             FaultTraffic traffic = new FaultTraffic(cluster, "diskfull", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            traffic.ledger().mark(FAULT);
            // dd stops with "No space left on device": the disk is then full
            cluster.edge(0).exec("sh", "-c", "dd if=/dev/zero of=" + FILLER + " bs=1M 2>/dev/null; df -k " + STORE);
            // the fault took: the edge's store fails its writes, and the edge says it is not ready
            long full = System.nanoTime();
            while (ContainerCluster.ready(cluster.edgeHttp(0))) {
                assertThat(System.nanoTime() - full).as("edge 1 not ready within 60 s of its disk filling")
                        .isLessThan(TimeUnit.SECONDS.toNanos(60));
                TimeUnit.MILLISECONDS.sleep(200);
            }
            FaultSuite.run(Duration.ofSeconds(10));
            cluster.edge(0).exec("rm", "-f", FILLER);
            cluster.edge(0).awaitReady();
            FaultSuite.run(Duration.ofSeconds(10));

            FaultSuite.judge(traffic, 5, FAULT, "Edge's store disk full, then freed",
                    "Edge 1's store on a 96 MB tmpfs, filled to the last byte from inside its container while 4 publishers sent "
                            + "about 100 events/s to 6 channels followed by 20 WebSocket subscribers over two edges; freed 10 s after "
                            + "the edge reported its store failing (`/readyz` 503), then ready again.",
                    start);
        }
    }
}
