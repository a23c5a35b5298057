package dev.herald.edge.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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
 * <p>Events handed to a thread ({@link Lane#handOff}, {@link Lane#tryHandOff}) are bounded. The
 * queue a connection offers to is bounded, but an event waiting here has not been offered yet;
 * without a bound, I/O threads short of CPU would let events pile up here without limit. A
 * durable event is never refused and never waits (the poll thread must keep polling): once a
 * thread has {@link #MAX_HANDOFFS} waiting, {@link #behind} says so and the fanout consumer pauses
 * the log until it drains, so a thread holds at most that many plus one poll's events, and the
 * lag stays in Kafka, where it is measured. An ephemeral event is skipped once half the bound is
 * taken, so durable events always have the other half.
 *
 * <p>A task that throws is logged and counted ({@link #taskFailures}), and the tasks after it run
 * as if it had not: one connection's bug must not cost the others on its thread their events. A
 * hand-off to a thread that has shut down is dropped (its connections are gone with it).
 *
 * <p>Thread-safe. Tasks of one thread run in the order they were added.
 */
final class IoThreadTasks {

    /** Events waiting for one I/O thread at which the log is paused; ephemeral ones are skipped at half of it. */
    static final int MAX_HANDOFFS = 1_024;
    /** At most one task-failure log line per this long (every failure is counted). */
    private static final long FAILURE_LOG_INTERVAL_NS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(IoThreadTasks.class);

    private final Map<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();
    private final LongAdder taskFailures = new LongAdder();
    private final AtomicLong lastFailureLogNanos = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NS);

    /** The queue of {@code thread}; a connection looks it up once and keeps it. */
    Lane lane(XnioIoThread thread) {
        return lanes.computeIfAbsent(thread, Lane::new);
    }

    /** Events handed to I/O threads and not yet run, all threads together. */
    int handOffBacklog() {
        return lanes.values().stream().mapToInt(l -> l.handOffs.get()).sum();
    }

    /** Whether some thread has {@link #MAX_HANDOFFS} events or more still to deliver: time to pause the log. */
    boolean behind() {
        for (Lane lane : lanes.values()) {
            if (lane.handOffs.get() >= MAX_HANDOFFS) {
                return true;
            }
        }
        return false;
    }

    /** Tasks that threw, all threads together, since start. */
    long taskFailures() {
        return taskFailures.sum();
    }

    /** Counts and logs (at most every 10 s) a task, or one cursor's part of one, that threw on {@code lane}'s thread. */
    void failed(Lane lane, RuntimeException e) {
        taskFailures.increment();
        long now = System.nanoTime();
        long last = lastFailureLogNanos.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NS && lastFailureLogNanos.compareAndSet(last, now)) {
            LOG.error("a task on {} failed; the tasks after it run on ({} failures so far)", lane.thread.getName(), taskFailures.sum(), e);
        }
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
         * Hands an event's task to the thread, never waiting: the durable path's back-pressure is
         * {@link #behind}, which the fanout consumer reads after each poll.
         */
        void handOff(Runnable task) {
            handOffs.incrementAndGet();
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
                try {
                    task.run();
                } catch (RuntimeException e) {
                    failed(this, e);
                }
            }
        }
    }
}
