package dev.herald.edge.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.xnio.XnioIoThread;

/**
 * Runs tasks on I/O threads, several to one wake-up. Delivering one event to a thousand
 * connections schedules a thousand small writes on a few I/O threads; handing each to
 * {@link XnioIoThread#execute} on its own wakes the thread's selector (a system call) up to once
 * per connection, which costs the poll thread more than the deliveries themselves. Here tasks
 * for one thread gather in a queue, and only the first one after the thread last emptied it wakes
 * the thread.
 *
 * <p>Thread-safe. Tasks of one thread run in the order they were added.
 */
final class IoThreadTasks {

    private final Map<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();

    /** The queue of {@code thread}; a connection looks it up once and keeps it. */
    Lane lane(XnioIoThread thread) {
        return lanes.computeIfAbsent(thread, Lane::new);
    }

    /** One I/O thread's queue. */
    static final class Lane {
        private final XnioIoThread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

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
