package dev.herald.edge.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
 * skipped.
 *
 * <p>Thread-safe. Tasks of one thread run in the order they were added.
 */
final class IoThreadTasks {

    /** Most events waiting for one I/O thread; ephemeral ones are skipped at half of it. */
    static final int MAX_HANDOFFS = 1_024;
    private static final long ROOM_WAIT_NS = 50_000;

    private final Map<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();

    /** The queue of {@code thread}; a connection looks it up once and keeps it. */
    Lane lane(XnioIoThread thread) {
        return lanes.computeIfAbsent(thread, Lane::new);
    }

    /** Events handed to I/O threads and not yet run, all threads together. */
    int handOffBacklog() {
        return lanes.values().stream().mapToInt(l -> l.handOffs.get()).sum();
    }

    /** One I/O thread's queue. */
    static final class Lane {
        private final XnioIoThread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicInteger handOffs = new AtomicInteger();

        Lane(XnioIoThread thread) {
            this.thread = thread;
        }

        /** Runs {@code task} on the thread, after the tasks added before it. */
        void execute(Runnable task) {
            tasks.add(task);
            if (scheduled.compareAndSet(false, true)) {
                thread.execute(this::runAll);
            }
        }

        /**
         * Hands an event's task to the thread, first waiting while {@link #MAX_HANDOFFS} wait
         * already. Never call it on an I/O thread (it could wait for itself). An interrupted
         * caller hands off without waiting, its interrupt flag kept.
         */
        void handOff(Runnable task) {
            while (handOffs.get() >= MAX_HANDOFFS && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(ROOM_WAIT_NS);
            }
            counted(task);
        }

        /** Hands an event's task to the thread unless half of {@link #MAX_HANDOFFS} wait already; returns whether it did. */
        boolean tryHandOff(Runnable task) {
            if (handOffs.get() >= MAX_HANDOFFS / 2) {
                return false;
            }
            counted(task);
            return true;
        }

        private void counted(Runnable task) {
            handOffs.incrementAndGet();
            execute(() -> {
                try {
                    task.run();
                } finally {
                    handOffs.decrementAndGet();
                }
            });
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
