package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** Hand-offs to a real XNIO I/O thread that is kept busy: bounded, in order, the durable kind waits, the ephemeral kind is refused. */
class IoThreadTasksTest {

    private final IoThreadTasks tasks = new IoThreadTasks();
    private XnioWorker worker;
    private IoThreadTasks.Lane lane;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void busyIoThread() throws Exception {
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        lane = tasks.lane(worker.getIoThread(0));
        CountDownLatch started = new CountDownLatch(1);
        lane.execute(() -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stop() {
        release.countDown();
        worker.shutdownNow();
    }

    @Test
    void aThreadBehindRefusesEphemeralHandOffsAtHalfTheBoundAndMakesDurableOnesWaitAtTheBound() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < IoThreadTasks.MAX_HANDOFFS / 2; i++) {
            int n = i;
            assertThat(lane.tryHandOff(() -> ran.add(n))).isTrue();
        }
        assertThat(lane.tryHandOff(() -> ran.add(-1))).as("ephemeral, half the bound waiting").isFalse();
        for (int i = IoThreadTasks.MAX_HANDOFFS / 2; i < IoThreadTasks.MAX_HANDOFFS; i++) {
            int n = i;
            lane.handOff(() -> ran.add(n));
        }
        assertThat(tasks.handOffBacklog()).isEqualTo(IoThreadTasks.MAX_HANDOFFS);

        CompletableFuture<Void> pastTheBound = CompletableFuture.runAsync(() -> lane.handOff(() -> ran.add(IoThreadTasks.MAX_HANDOFFS)));
        Thread.sleep(200); // the hand-off must still be waiting for room after this long
        assertThat(pastTheBound).as("a durable hand-off past the bound waits").isNotDone();
        assertThat(ran).isEmpty();

        release.countDown();
        pastTheBound.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == IoThreadTasks.MAX_HANDOFFS + 1);
        assertThat(ran).containsExactlyElementsOf(IntStream.rangeClosed(0, IoThreadTasks.MAX_HANDOFFS).boxed().toList());
        assertThat(tasks.handOffBacklog()).isZero();
        assertThat(lane.tryHandOff(() -> { })).as("room again").isTrue();
    }
    @Test
    void aThreadThatHasShutDownRefusesHandOffsWithoutKeepingTheirPlaces() throws Exception {
        release.countDown();
        worker.shutdownNow();
        assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lane.tryHandOff(() -> { })).isFalse();
        lane.handOff(() -> { }); // dropped: the thread's connections are gone with it
        assertThat(tasks.handOffBacklog()).isZero();
    }

    @Test
    void onceStoppedADurableHandOffNoLongerWaitsForRoom() throws Exception {
        for (int i = 0; i < IoThreadTasks.MAX_HANDOFFS; i++) {
            lane.handOff(() -> { });
        }
        tasks.stop();
        CompletableFuture.runAsync(() -> lane.handOff(() -> { })).get(10, TimeUnit.SECONDS);
        assertThat(tasks.handOffBacklog()).isEqualTo(IoThreadTasks.MAX_HANDOFFS + 1);
    }
}
