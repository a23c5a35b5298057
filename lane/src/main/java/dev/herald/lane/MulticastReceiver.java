package dev.herald.lane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.herald.schemas.ephemeral.DatagramCodec;
import dev.herald.schemas.ephemeral.DropReason;
import dev.herald.schemas.ephemeral.DroppedDatagramException;
import dev.herald.schemas.ephemeral.EphemeralDatagram;

/**
 * Receives the lane's datagrams on one thread and hands each good one to a consumer: joined to
 * the group on the configured interface, it drops (and counts by {@link DropReason}) every
 * datagram that is oversized, malformed, truncated, unsigned, badly signed, stale or replayed.
 * Several receivers on one host (several edges) share the port and each gets every datagram.
 *
 * <p>Loss is counted from each sender's sequence: a number that falls out of the
 * {@link SenderWindow} unseen is lost. Senders silent for twice the lane's maximum age are
 * forgotten (anything they sent before is stale by then).
 *
 * <p>The thread never dies of a failure and never spins: a consumer that throws is counted
 * ({@link #failures}) and logged, and the next datagram goes on; a receive that fails (a broken
 * socket) is counted and logged too, and the thread waits before the next try, 10 ms doubling
 * to 1 s while the failures go on. Logs are at most one line per 10 s.
 *
 * <p>Thread-safe: counters may be read from any thread.
 */
public final class MulticastReceiver implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MulticastReceiver.class.getName());
    private static final long FAILURE_LOG_INTERVAL_NS = 10_000_000_000L;
    private static final long FIRST_RETRY_MS = 10;
    private static final long MAX_RETRY_MS = 1_000;

    private final LaneSettings settings;
    private final DatagramCodec codec;
    private final DatagramChannel channel;
    private final Consumer<EphemeralDatagram> consumer;
    private final Clock clock;
    private final Thread thread;
    private final Map<UUID, SenderWindow> senders = new HashMap<>();
    private final LongAdder received = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    private final LongAdder lost = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private long lastSweepMs;
    private long lastFailureLogNanos = System.nanoTime() - FAILURE_LOG_INTERVAL_NS;
    private volatile boolean running = true;

    private MulticastReceiver(LaneSettings settings, DatagramChannel channel, Consumer<EphemeralDatagram> consumer, Clock clock) {
        this.settings = settings;
        this.codec = new DatagramCodec(settings.secret());
        this.channel = channel;
        this.consumer = consumer;
        this.clock = clock;
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
        this.thread = new Thread(this::run, "herald-ephemeral-receiver");
        this.thread.setDaemon(true);
    }

    /**
     * Joins the group on {@code settings}' interface and starts receiving.
     *
     * @param consumer called on the receiver's thread for each good datagram, in arrival order;
     *                 must not block for long
     */
    public static MulticastReceiver start(LaneSettings settings, Consumer<EphemeralDatagram> consumer, Clock clock)
            throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // other edges of this host listen too
            channel.bind(new InetSocketAddress(settings.group(), settings.port()));
            channel.join(settings.group(), settings.networkInterface());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        MulticastReceiver receiver = new MulticastReceiver(settings, channel, consumer, clock);
        receiver.thread.start();
        return receiver;
    }

    private void run() {
        // one byte over the largest accepted datagram: a datagram that fills it is oversized
        ByteBuffer buffer = ByteBuffer.allocate(LaneSettings.LARGEST_DATAGRAM_BYTES + 1);
        long retryMs = FIRST_RETRY_MS;
        while (running) {
            buffer.clear();
            try {
                channel.receive(buffer);
                retryMs = FIRST_RETRY_MS;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // nothing is known of a datagram that could not be read; the failure is
                failed("receiving a datagram failed; retrying in " + retryMs + " ms", e);
                if (!pause(retryMs)) {
                    return;
                }
                retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
                continue;
            }
            try {
                handle(buffer.array(), buffer.position());
            } catch (RuntimeException e) {
                failed("handling a datagram failed; going on with the next", e);
            }
        }
    }

    /** Counts a failure and logs it, at most once per {@link #FAILURE_LOG_INTERVAL_NS}. */
    private void failed(String what, Exception e) {
        failures.increment();
        long now = System.nanoTime();
        if (now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NS) {
            lastFailureLogNanos = now;
            LOG.log(System.Logger.Level.WARNING, what + " (" + failures.sum() + " failures so far)", e);
        }
    }

    /** Waits {@code ms}; {@code false} if interrupted (the receiver is closing). */
    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void handle(byte[] data, int length) {
        long now = clock.millis();
        if (length > settings.maxDatagramBytes()) {
            drop(DropReason.OVERSIZED);
            return;
        }
        EphemeralDatagram datagram;
        try {
            datagram = codec.decode(data, length);
        } catch (DroppedDatagramException e) {
            drop(e.reason());
            return;
        }
        if (Math.abs(now - datagram.event().time().toEpochMilli()) > settings.maxAgeMs()) {
            drop(DropReason.STALE);
            return;
        }
        SenderWindow window = senders.computeIfAbsent(datagram.sender(), s -> new SenderWindow());
        long lostBefore = window.lost();
        boolean fresh = window.accept(datagram.sequence(), now);
        lost.add(window.lost() - lostBefore);
        if (!fresh) {
            drop(DropReason.REPLAYED);
            return;
        }
        forgetSilentSenders(now);
        received.increment();
        consumer.accept(datagram);
    }

    private void drop(DropReason reason) {
        dropped.get(reason).increment();
    }

    /** Forgets senders silent for twice the maximum age, at most once a second. */
    private void forgetSilentSenders(long now) {
        if (now - lastSweepMs < 1_000) {
            return;
        }
        lastSweepMs = now;
        senders.values().removeIf(w -> now - w.lastHeardMs() > 2 * settings.maxAgeMs());
    }

    /** Datagrams accepted and handed on. */
    public long received() {
        return received.sum();
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    /** Receives and hand-offs that failed (each logged, at most once per 10 s); the receiver went on after each. */
    public long failures() {
        return failures.sum();
    }

    /** Datagrams lost, by the senders' sequence gaps, as of the last datagram received. */
    public long lost() {
        return lost.sum();
    }

    @Override
    public void close() throws IOException {
        running = false;
        channel.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
