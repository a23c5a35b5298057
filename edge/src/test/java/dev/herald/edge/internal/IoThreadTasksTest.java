package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** Hand-offs to a real XNIO I/O thread that is kept busy: in order, the durable kind never waits but reports the thread behind, the ephemeral kind is refused. */
class IoThreadTasksTest {

    private final IoThreadTasks tasks = new IoThreadTasks();
    private XnioWorker worker;
    private IoThreadTasks.Lane lane;
    private BlockedLane blocked;

    @BeforeEach
    void busyIoThread() throws Exception {
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        lane = tasks.lane(worker.getIoThread(0));
        blocked = BlockedLane.block(lane);
    }

    @AfterEach
    void stop() {
        blocked.release();
        worker.shutdownNow();
    }

    @Test
    void aThreadBehindRefusesEphemeralHandOffsAtHalfTheBoundAndIsBehindAtTheBoundWithoutEverMakingTheCallerWait() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < IoThreadTasks.MAX_HANDOFFS / 2; i++) {
            int n = i;
            assertThat(lane.tryHandOff(() -> ran.add(n))).isTrue();
        }
        assertThat(lane.tryHandOff(() -> ran.add(-1))).as("ephemeral, half the bound waiting").isFalse();
        assertThat(tasks.behind()).isFalse();
        for (int i = IoThreadTasks.MAX_HANDOFFS / 2; i < IoThreadTasks.MAX_HANDOFFS; i++) {
            int n = i;
            lane.handOff(() -> ran.add(n));
        }
        assertThat(tasks.handOffBacklog()).isEqualTo(IoThreadTasks.MAX_HANDOFFS);
        assertThat(tasks.behind()).as("the bound reached: the log should pause").isTrue();

        // past the bound a durable hand-off is still taken at once: the poll thread never waits
        CompletableFuture.runAsync(() -> lane.handOff(() -> ran.add(IoThreadTasks.MAX_HANDOFFS))).get(10, TimeUnit.SECONDS);
        assertThat(ran).isEmpty();

        blocked.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == IoThreadTasks.MAX_HANDOFFS + 1);
        assertThat(ran).containsExactlyElementsOf(IntStream.rangeClosed(0, IoThreadTasks.MAX_HANDOFFS).boxed().toList());
        assertThat(tasks.handOffBacklog()).isZero();
        assertThat(tasks.behind()).isFalse();
        assertThat(lane.tryHandOff(() -> { })).as("room again").isTrue();
    }

    @Test
    void aThreadThatHasShutDownRefusesHandOffsWithoutKeepingTheirPlaces() throws Exception {
        blocked.release();
        worker.shutdownNow();
        assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lane.tryHandOff(() -> { })).isFalse();
        lane.handOff(() -> { }); // dropped: the thread's connections are gone with it
        assertThat(tasks.handOffBacklog()).isZero();
    }

    /** Regression: one task's exception left the tasks queued after it on that thread unrun. */
    @Test
    void aTaskThatThrowsIsCountedAndTheTasksAfterItStillRun() {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        lane.handOff(() -> ran.add(1));
        lane.handOff(() -> {
            throw new IllegalStateException("a bug in one delivery");
        });
        lane.handOff(() -> ran.add(3));
        lane.handOff(() -> ran.add(4));
        blocked.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
        assertThat(ran).containsExactly(1, 3, 4);
        assertThat(tasks.taskFailures()).isEqualTo(1);
        assertThat(tasks.handOffBacklog()).isZero();
    }
}
