package dev.herald.ingest.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;

/**
 * Watches the log topic from one thread ({@code herald-ingest-log-monitor}): whether Kafka
 * answers for it, and its current {@link Epoch}. Readiness and the fast 503 path read the last
 * result without waiting.
 *
 * <p>Thread-safe: one writer, many readers through volatile fields.
 */
public final class LogMonitor implements AutoCloseable {

    private final TopicProvisioner topics;
    private final long intervalMs;
    private final ScheduledExecutorService scheduler;
    private volatile Epoch epoch;
    private volatile String notReadyReason;

    LogMonitor(TopicProvisioner topics, Epoch initial, long intervalMs) {
        this.topics = topics;
        this.epoch = initial;
        this.intervalMs = intervalMs;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-ingest-log-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::check, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Whether the last check reached Kafka and found the topic. */
    public boolean isReady() {
        return notReadyReason == null;
    }

    /** Why the last check failed, or {@code null} when ready. */
    public String notReadyReason() {
        return notReadyReason;
    }

    /** The log's epoch as last seen. */
    public Epoch epoch() {
        return epoch;
    }

    private void check() {
        try {
            epoch = topics.describe(Math.max(intervalMs, 500));
            notReadyReason = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            notReadyReason = "Kafka unreachable: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
