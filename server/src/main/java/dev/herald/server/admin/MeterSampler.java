package dev.herald.server.admin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples a service's own meters ({@code herald.*}) once per interval on one thread, and keeps the
 * last few samples, so that the admin status can say what happened lately (rates, quantiles) the
 * same way for every caller, whoever asked before. Before each sample it runs the given tasks
 * (e.g. refreshing which channels have meters). Thread-safe.
 */
public final class MeterSampler implements AutoCloseable {

    /** The interval between samples. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /** How many intervals a window spans: rates are averages over this many seconds. */
    public static final int WINDOW_INTERVALS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(MeterSampler.class);
    private static final String PREFIX = "herald.";

    private final MeterRegistry registry;
    private final LongSupplier nanoTime;
    private final List<Runnable> beforeEach;
    private final ArrayDeque<MeterSample> samples = new ArrayDeque<>();
    private ScheduledExecutorService thread;

    /**
     * A sampler that samples only when {@link #sample} is called (tests); {@link #start} makes
     * one that samples on its own.
     *
     * @param nanoTime   a monotonic clock, in nanoseconds
     * @param beforeEach run, in order, before each sample; one that throws is logged and the sample is taken
     */
    public MeterSampler(MeterRegistry registry, LongSupplier nanoTime, List<Runnable> beforeEach) {
        this.registry = registry;
        this.nanoTime = nanoTime;
        this.beforeEach = List.copyOf(beforeEach);
    }

    /** Starts sampling {@code registry} every {@link #INTERVAL} on a daemon thread named {@code threadName}. */
    public static MeterSampler start(MeterRegistry registry, String threadName, List<Runnable> beforeEach) {
        MeterSampler sampler = new MeterSampler(registry, System::nanoTime, beforeEach);
        sampler.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        sampler.thread.scheduleAtFixedRate(sampler::sampleQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    /** Takes a sample now, keeping the last {@link #WINDOW_INTERVALS} + 1. */
    public void sample() {
        for (Runnable task : beforeEach) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a task before the admin sample failed; sampling anyway", e);
            }
        }
        MeterSample sample = MeterSample.of(registry, PREFIX, nanoTime.getAsLong());
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > WINDOW_INTERVALS + 1) {
                samples.removeFirst();
            }
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("admin sample failed", e); // the next one is tried on time
        }
    }

    /**
     * From the oldest sample kept to the newest: about {@link #WINDOW_INTERVALS} seconds once the
     * sampler has run that long. Takes a sample first when there is none.
     */
    public MeterWindow window() {
        synchronized (samples) {
            if (samples.isEmpty()) {
                sample();
            }
            return new MeterWindow(samples.peekFirst(), samples.peekLast());
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
