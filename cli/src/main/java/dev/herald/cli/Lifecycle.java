package dev.herald.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Keeps the main thread alive until the JVM is asked to stop, then closes resources in reverse order. */
final class Lifecycle {

    private Lifecycle() {
    }

    /**
     * Blocks until SIGINT/SIGTERM; the shutdown hook closes {@code resources} last-first and the
     * JVM exits once they are closed.
     */
    static void runUntilStopped(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<AutoCloseable> reversed = new ArrayList<>(List.of(resources));
            java.util.Collections.reverse(reversed);
            for (AutoCloseable r : reversed) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("herald: error while stopping: " + e);
                }
            }
            System.out.println("herald: stopped");
            closed.countDown();
        }, "herald-shutdown"));
        closed.await();
    }
}
