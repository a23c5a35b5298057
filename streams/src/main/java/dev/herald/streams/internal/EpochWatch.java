package dev.herald.streams.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.herald.schemas.Epoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's epoch as last read, read again every {@code intervalMs} on its own thread
 * ({@code herald-streams-epoch}), so that retained events carry the epoch of the log they were
 * read from even after partitions are added. A failed read keeps the last epoch and is logged.
 * Thread-safe.
 */
public final class EpochWatch implements Supplier<Epoch>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EpochWatch.class);

    private final ScheduledExecutorService thread;
    private volatile Epoch current;

    /** Starts watching {@code logTopic} through {@code topics}, from {@code first}. */
    public EpochWatch(StreamsTopics topics, String logTopic, Epoch first, long intervalMs) {
        this.current = first;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-streams-epoch");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            try {
                Epoch read = topics.epoch(logTopic);
                if (!read.equals(current)) {
                    LOG.warn("the log {} is a new epoch: {} (was {})", logTopic, read, current);
                    current = read;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("could not read the epoch of the log {}: {}", logTopic, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public Epoch get() {
        return current;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
