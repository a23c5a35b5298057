package dev.herald.lane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.herald.schemas.Event;
import dev.herald.schemas.ephemeral.DatagramCodec;
import dev.herald.schemas.ephemeral.EphemeralDatagram;

/**
 * Sends ephemeral events to the lane's multicast group: one signed datagram each, out of the
 * configured interface with the configured TTL, best effort. Used by ingest
 * ({@code ?durability=ephemeral}) and by edges (a WebSocket client's {@code publish}).
 *
 * <p>Thread-safe.
 */
public final class MulticastSender implements AutoCloseable {

    /** What became of an event handed to {@link #send}. */
    public enum Sent {
        /** Handed to the network. Not a promise that anyone receives it. */
        SENT,
        /** Its datagram would be over the lane's largest, or no datagram can carry it; nothing was sent. */
        TOO_LARGE,
        /** The socket refused it (see the log of the caller); nothing was sent. */
        FAILED
    }

    private final LaneSettings settings;
    private final DatagramCodec codec;
    private final DatagramChannel channel;
    private final InetSocketAddress target;
    private final UUID id = UUID.randomUUID();
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder failed = new LongAdder();

    private MulticastSender(LaneSettings settings, DatagramChannel channel) {
        this.settings = settings;
        this.codec = new DatagramCodec(settings.secret());
        this.channel = channel;
        this.target = new InetSocketAddress(settings.group(), settings.port());
    }

    /** Opens a socket that sends through {@code settings}' interface with its TTL. */
    public static MulticastSender open(LaneSettings settings) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, settings.networkInterface());
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, settings.ttl());
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // edges on this host receive too
            return new MulticastSender(settings, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether {@code event} fits in one datagram of the lane. */
    public boolean fits(Event event) {
        return DatagramCodec.fieldViolation(event) == null && DatagramCodec.sizeOf(event) <= settings.maxDatagramBytes();
    }

    /** Why {@code event} is {@link Sent#TOO_LARGE}, for the publisher's error. */
    public String tooLargeReason(Event event) {
        String violation = DatagramCodec.fieldViolation(event);
        if (violation != null) {
            return "an ephemeral event must fit one datagram: " + violation;
        }
        return "an ephemeral event must fit one datagram of at most " + settings.maxDatagramBytes()
                + " bytes (ephemeral.max.datagram.bytes); this one needs " + DatagramCodec.sizeOf(event);
    }

    /** Signs and sends {@code event}; never blocks for long (UDP). */
    public Sent send(Event event) {
        if (!fits(event)) {
            tooLarge.increment();
            return Sent.TOO_LARGE;
        }
        byte[] datagram = codec.encode(new EphemeralDatagram(id, sequence.getAndIncrement(), event));
        try {
            channel.send(ByteBuffer.wrap(datagram), target);
            sent.increment();
            return Sent.SENT;
        } catch (IOException e) {
            failed.increment();
            return Sent.FAILED;
        }
    }

    /** The socket, for tests that check where it sends. */
    public DatagramChannel socket() {
        return channel;
    }

    /** Datagrams sent so far. */
    public long sent() {
        return sent.sum();
    }

    /** Events refused as too large so far. */
    public long tooLarge() {
        return tooLarge.sum();
    }

    /** Events the socket refused so far. */
    public long failed() {
        return failed.sum();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
