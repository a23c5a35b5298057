package dev.herald.edge.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An I/O thread kept busy by a task that waits to be released (at most 30 s): what is handed to its lane piles up meanwhile. */
final class BlockedLane implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);

    private BlockedLane() {
    }

    /** Blocks {@code lane}'s thread; returns once the blocking task runs. */
    static BlockedLane block(IoThreadTasks.Lane lane) throws InterruptedException {
        BlockedLane blocked = new BlockedLane();
        CountDownLatch started = new CountDownLatch(1);
        lane.execute(() -> {
            started.countDown();
            try {
                blocked.release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the I/O thread did not run the blocking task within 10 s");
        }
        return blocked;
    }

    /** Lets the thread go on with what piled up. */
    void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release();
    }
}
