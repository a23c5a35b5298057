package dev.herald.edge.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioIoThread;

/**
 * Runs tasks on I/O threads, several to one wake-up. Delivering one event to a thousand
 * connections schedules a thousand small writes on a few I/O threads; handing each to
 * {@link XnioIoThread#execute} on its own wakes the thread's selector (a system call) up to once
 * per connection, which costs the poll thread more than the deliveries themselves. Here tasks
 * for one thread gather in a queue, and only the first one after the thread last emptied it wakes
 * the thread.
 *
 * <p>Events handed to a thread ({@link Lane#handOff}, {@link Lane#tryHandOff}) are bounded: at
 * most {@link #MAX_HANDOFFS} per thread wait at a time. The queue a connection offers to is
 * bounded, but an event waiting here has not been offered yet; without this bound, I/O threads
 * short of CPU would let events pile up here without limit. A durable event waits for room (the
 * poll thread slows down, and the lag stays in Kafka, where it is measured); an ephemeral one is
 * skipped once half the bound is taken, so durable events always have the other half.
 *
 * <p>Once {@link #stop} is called, nothing waits for room any more; and a hand-off to a thread
 * that has shut down is dropped (its connections are gone with it).
 *
 * <p>Thread-safe. Tasks of one thread run in the order they were added.
 */
final class IoThreadTasks {

    /** Most events waiting for one I/O thread; ephemeral ones are skipped at half of it. */
    static final int MAX_HANDOFFS = 1_024;
    private static final long MIN_ROOM_WAIT_NS = 50_000;
    private static final long MAX_ROOM_WAIT_NS = 1_000_000;
    /** A wait for room longer than this is logged: the I/O threads are badly behind, or stuck. */
    private static final long LONG_WAIT_NS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(IoThreadTasks.class);

    private final Map<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** The queue of {@code thread}; a connection looks it up once and keeps it. */
    Lane lane(XnioIoThread thread) {
        return lanes.computeIfAbsent(thread, Lane::new);
    }

    /** Events handed to I/O threads and not yet run, all threads together. */
    int handOffBacklog() {
        return lanes.values().stream().mapToInt(l -> l.handOffs.get()).sum();
    }

    /** From now on hand-offs never wait for room: the edge is shutting down. */
    void stop() {
        stopped = true;
    }

    /** One I/O thread's queue. */
    final class Lane {
        private final XnioIoThread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicInteger handOffs = new AtomicInteger();

        Lane(XnioIoThread thread) {
            this.thread = thread;
        }

        /**
         * Runs {@code task} on the thread, after the tasks added before it.
         *
         * @throws RejectedExecutionException if the thread has shut down; the task will not run
         */
        void execute(Runnable task) {
            tasks.add(task);
            if (scheduled.compareAndSet(false, true)) {
                try {
                    thread.execute(this::runAll);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                    throw e;
                }
            }
        }

        /**
         * Hands an event's task to the thread, first waiting while {@link #MAX_HANDOFFS} wait
         * already: the back-pressure of the durable path. Never call it on an I/O thread (it could
         * wait for itself). Does not wait once {@link #stop} is called or the caller is interrupted
         * (its interrupt flag kept).
         */
        void handOff(Runnable task) {
            assert Thread.currentThread() != thread : "handOff on the I/O thread it waits for";
            long waitNs = MIN_ROOM_WAIT_NS;
            long waitingSince = 0;
            boolean logged = false;
            while (!reserve(MAX_HANDOFFS)) {
                if (stopped || Thread.currentThread().isInterrupted()) {
                    handOffs.incrementAndGet();
                    break;
                }
                long now = System.nanoTime();
                if (waitingSince == 0) {
                    waitingSince = now;
                } else if (!logged && now - waitingSince > LONG_WAIT_NS) {
                    LOG.warn("{} has had {} events to deliver for {} s; delivery waits for it", thread.getName(), handOffs.get(),
                            (now - waitingSince) / 1_000_000_000L);
                    logged = true;
                }
                LockSupport.parkNanos(waitNs);
                waitNs = Math.min(MAX_ROOM_WAIT_NS, waitNs * 2);
            }
            submit(task);
        }

        /**
         * Hands an event's task to the thread unless half of {@link #MAX_HANDOFFS} wait already;
         * returns whether it did (also {@code false} if the thread has shut down).
         */
        boolean tryHandOff(Runnable task) {
            return reserve(MAX_HANDOFFS / 2) && submit(task);
        }

        /** Takes one of the first {@code limit} places, if one is free. */
        private boolean reserve(int limit) {
            for (int n; (n = handOffs.get()) < limit; ) {
                if (handOffs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Runs a reserved hand-off; gives its place back when it has run, or if the thread is gone. */
        private boolean submit(Runnable task) {
            try {
                execute(() -> {
                    try {
                        task.run();
                    } finally {
                        handOffs.decrementAndGet();
                    }
                });
                return true;
            } catch (RejectedExecutionException e) {
                handOffs.decrementAndGet();
                return false;
            }
        }

        /**
         * Clears the flag before taking tasks: a task added after the last take either finds the
         * flag clear and schedules another run, or is taken by this one.
         */
        private void runAll() {
            scheduled.set(false);
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }
}
