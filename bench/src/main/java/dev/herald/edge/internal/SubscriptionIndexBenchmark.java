package dev.herald.edge.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.herald.bench.jmh.SampleEvents;
import dev.herald.edge.EdgeConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * {@link SubscriptionIndex#deliver}: the edge's poll thread hands it every event it consumes; it
 * looks up the channel's cursors, grouped by I/O thread, and hands each of those threads one task.
 * Hot because it runs once per event of every channel, on the one poll thread.
 *
 * <p>The index holds {@code subscribers} live cursors spread evenly over {@code channels}
 * channels, each channel's alternating between the edge's default number of I/O threads of a real
 * XNIO worker; a subscriber only counts its events. {@code subscribedChannel} delivers to one of
 * those channels, picked in random order: the lookup and one hand-off per I/O thread (the I/O
 * threads run the cursors meanwhile, and on a 2-core machine they share the CPU with the measured
 * thread; while a thread has {@link IoThreadTasks#MAX_HANDOFFS} events to run, the measured
 * thread waits for it before the next delivery, as the edge's poll thread pauses the log then). {@code unsubscribedChannel} delivers to a channel nobody here follows, the
 * common case for an edge that consumes every channel and serves some: the lookup alone.
 *
 * <p>In the edge's package because cursors, lanes and {@code add} are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubscriptionIndexBenchmark {

    /** Channel names looked up in turn; a power of two. */
    private static final int LOOKUPS = 1 << 14;

    @Param("10000")
    int channels;

    @Param("100000")
    int subscribers;

    private final IoThreadTasks tasks = new IoThreadTasks();
    private final SubscriptionIndex index = new SubscriptionIndex(tasks);
    private final LongAdder replayBuffer = new LongAdder();
    private XnioWorker worker;
    private CountingSubscriber[] counting;
    private String[] subscribed;
    private String[] unsubscribed;
    private byte[] frame;
    private int next;
    private long offset;
    private long subscribedDeliveries;

    @Setup
    public void subscribe() throws IOException {
        EdgeConfig defaults = new EdgeConfig(Map.of());
        int ioThreads = defaults.getInt(EdgeConfig.HTTP_IO_THREADS);
        worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, ioThreads));
        IoThreadTasks.Lane[] lanes = new IoThreadTasks.Lane[ioThreads];
        for (int t = 0; t < ioThreads; t++) {
            lanes[t] = tasks.lane(worker.getIoThread(t));
        }
        counting = new CountingSubscriber[subscribers];
        for (int i = 0; i < subscribers; i++) {
            counting[i] = new CountingSubscriber(lanes[(i / channels) % ioThreads]);
            ChannelCursor cursor = new ChannelCursor(channel(i % channels), 0, counting[i], defaults.getInt(EdgeConfig.QUEUE_MAX_EVENTS),
                    defaults.getInt(EdgeConfig.QUEUE_MAX_BYTES), replayBuffer);
            index.add(cursor);
            cursor.finishReplay(new byte[0], -1, List.of());
        }
        Random random = new Random(3);
        subscribed = new String[LOOKUPS];
        unsubscribed = new String[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            subscribed[i] = channel(random.nextInt(channels));
            unsubscribed[i] = "unfollowed-" + random.nextInt(channels);
        }
        frame = SampleEvents.json(300);
    }

    /** Fails the run if the cursors got none of the events delivered to them: then it measured no delivery. */
    @TearDown
    public void stop() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        long received = 0;
        for (CountingSubscriber s : counting) {
            received += s.events();
        }
        if (subscribedDeliveries > 0 && received == 0) {
            throw new IllegalStateException(subscribedDeliveries + " events delivered to followed channels, none received");
        }
    }

    /** An event of a channel with subscribers here. */
    @Benchmark
    public void subscribedChannel() {
        subscribedDeliveries++;
        while (index.behind()) {
            Thread.onSpinWait();
        }
        index.deliver(subscribed[next++ & (LOOKUPS - 1)], 0, offset++, frame);
    }

    /** An event of a channel without subscribers here. */
    @Benchmark
    public void unsubscribedChannel() {
        index.deliver(unsubscribed[next++ & (LOOKUPS - 1)], 0, offset++, frame);
    }

    /** A new string on each call, as the consumer decodes each event's channel afresh. */
    private static String channel(int c) {
        return "prices-" + c;
    }

    /** A connection that counts the events its cursors send it. */
    private static final class CountingSubscriber implements Subscriber {

        private final IoThreadTasks.Lane lane;
        /** Written under the cursor's lock, on the lane's I/O thread. */
        private long events;

        CountingSubscriber(IoThreadTasks.Lane lane) {
            this.lane = lane;
        }

        synchronized long events() {
            return events;
        }

        @Override
        public IoThreadTasks.Lane lane() {
            return lane;
        }

        @Override
        public void subscribed(String channel, long offset, byte[] frame) {
        }

        @Override
        public synchronized void event(String channel, long offset, byte[] frame) {
            events++;
        }

        @Override
        public void ephemeral(String channel, byte[] frame) {
        }

        @Override
        public void redelivered(String channel, long offset, byte[] frame) {
        }

        @Override
        public boolean replayed(String channel, long offset, byte[] frame) {
            return true;
        }

        @Override
        public void reconnect(String reason) {
        }
    }
}
