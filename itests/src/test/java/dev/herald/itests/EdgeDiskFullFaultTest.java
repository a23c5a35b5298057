package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.testkit.ContainerCluster;
import dev.herald.testkit.DockerEngine;
import dev.herald.testkit.FaultTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 5: an edge's store disk fills up (its store on a size-limited tmpfs, filled by a file
 * written from inside the container), stays full for a while under load, and is freed again. The
 * edge must not lose or skip anything: writes that fail are retried, and its subscribers get every
 * event once the disk has room. Only this edge's store is on the small disk. The time to recover runs
 * from freeing it.
 */
@ExtendWith(DockerEngine.class)
class EdgeDiskFullFaultTest {

    static final FaultSuite.Fault FAULT = new FaultSuite.Fault(5, "edge-disk-full", "Edge's store disk full, then freed");
    static final String STORE = "/var/lib/herald/edge";
    static final String FILLER = STORE + "/filler";

    /** 64 KiB events to a channel of their own, as fast as ingest takes them, until closed. */
    private static final class Ballast implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private volatile String failure = "";
        private final Thread thread;

        private Ballast(String ingestUrl) {
            HttpClient http = HttpClient.newHttpClient();
            byte[] body = new byte[64 * 1024];
            java.util.Arrays.fill(body, (byte) 'x');
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/channels/ballast/events"))
                    .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 201) {
                            sent.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failure = "; the ballast stopped: " + e;
                        return;
                    }
                }
            }, "ballast");
            thread.setDaemon(true);
        }

        static Ballast start(String ingestUrl) {
            Ballast b = new Ballast(ingestUrl);
            b.thread.start();
            return b;
        }

        long sent() {
            return sent.get();
        }

        /** Why the ballast stopped early, or empty. */
        String failure() {
            return failure;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anEdgeWhoseStoreDiskFillsCatchesUpOnceFreed() throws Exception {
        ContainerCluster.Options options = ContainerCluster.Options.edges(2)
                .withEdgeTmpfs(STORE, "rw,size=96m,uid=10001,gid=10001,mode=0750");
        FaultSuite.begin(FAULT);
        try (ContainerCluster cluster = ContainerCluster.start(FAULT.id(), options);
             FaultTraffic traffic = new FaultTraffic(cluster, "diskfull", 6, 20, 4, 100, Duration.ofMillis(500))) {
            traffic.start();
            FaultSuite.run(Duration.ofSeconds(5));

            long start = System.nanoTime();
            // dd stops with "No space left on device": the disk is then full
            cluster.edge(0).exec("sh", "-c", "dd if=/dev/zero of=" + FILLER + " bs=1M 2>/dev/null; df -k " + STORE);
            // RocksDB writes its log into space it reserved beforehand: larger events on a channel of
            // their own use that up, until the store's writes fail and the edge says it is not ready
            long full = System.nanoTime();
            try (Ballast ballast = Ballast.start(cluster.ingestUrl())) {
                while (ContainerCluster.ready(cluster.edgeHttp(0))) {
                    assertThat(System.nanoTime() - full).as("edge 1 not ready within 90 s of its disk filling (%d ballast events%s)",
                            ballast.sent(), ballast.failure()).isLessThan(TimeUnit.SECONDS.toNanos(90));
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
            FaultSuite.run(Duration.ofSeconds(10));
            traffic.ledger().mark("freed");
            cluster.edge(0).exec("rm", "-f", FILLER);
            cluster.edge(0).awaitReady();
            FaultSuite.run(Duration.ofSeconds(10));

            FaultSuite.judge(traffic, FAULT, List.of("freed"), "from freeing the disk: every subscriber had everything acknowledged "
                            + "before it and received new events on every channel again",
                    "Edge 1's store on a 96 MB tmpfs, filled to the last byte from inside its container while 4 publishers sent "
                            + "about 100 events/s to 6 channels followed by 20 WebSocket subscribers over two edges; 64 KiB events on "
                            + "another channel then used up the space RocksDB had reserved, until the edge reported its store failing "
                            + "(`/readyz` 503); freed 10 s later, and the edge ready again.",
                    start, report -> { });
        }
    }
}
