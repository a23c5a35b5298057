package dev.herald.edge.internal;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka consumers for reading the log on a resume, kept and reused: opening a consumer per
 * resume cost a connection and a metadata round trip each time, and a burst of resumes opened as
 * many consumers as there were resumes waiting. At most {@code max} exist (one per resume worker,
 * so a worker never waits for one); each is used by one thread at a time, assigned to the
 * partition it reads.
 *
 * <p>Thread-safe.
 */
final class LogReaders implements AutoCloseable {

    private final Map<String, Object> props;
    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> idle;
    private final AtomicInteger open = new AtomicInteger();
    private final int max;
    private volatile boolean closed;

    LogReaders(Map<String, Object> props, int max) {
        this.props = Map.copyOf(props);
        this.max = max;
        this.idle = new ArrayBlockingQueue<>(max);
    }

    /**
     * An idle consumer, or a new one while fewer than {@code max} are open.
     *
     * @throws IllegalStateException if {@code max} are in use (more readers than workers: a bug) or the pool is closed
     */
    KafkaConsumer<byte[], byte[]> borrow() {
        KafkaConsumer<byte[], byte[]> c = idle.poll();
        if (c != null) {
            return c;
        }
        if (closed) {
            throw new IllegalStateException("the edge is closing");
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            throw new IllegalStateException("all " + max + " log readers are in use");
        }
        try {
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            open.decrementAndGet();
            throw e;
        }
    }

    /** Gives a consumer back for the next resume (or closes it, if the pool is closing or it failed). */
    void giveBack(KafkaConsumer<byte[], byte[]> c, boolean healthy) {
        boolean reusable = healthy && !closed;
        if (reusable) {
            try {
                c.unsubscribe();
            } catch (RuntimeException e) {
                reusable = false;
            }
        }
        if (reusable && idle.offer(c)) {
            return;
        }
        open.decrementAndGet();
        try {
            c.close();
        } catch (RuntimeException e) {
            // a reader that failed may fail to close too; it is gone either way
        }
    }

    /** Consumers open now, in use or idle. */
    int open() {
        return open.get();
    }

    /** Closes the idle consumers; those in use are closed as they are given back. Call once the workers are stopped. */
    @Override
    public void close() {
        closed = true;
        for (KafkaConsumer<byte[], byte[]> c; (c = idle.poll()) != null; ) {
            open.decrementAndGet();
            c.close();
        }
    }
}
