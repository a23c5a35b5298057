package dev.herald.bench.jmh;

import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Event;
import dev.herald.schemas.ephemeral.DatagramCodec;
import dev.herald.schemas.ephemeral.DroppedDatagramException;
import dev.herald.schemas.ephemeral.EphemeralDatagram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ephemeral lane's datagrams, {@link DatagramCodec} with HMAC-SHA256 under the cluster secret.
 * {@code sign} is a sender's work for each ephemeral event (ingest for
 * {@code ?durability=ephemeral}, an edge for a WebSocket {@code publish}), as
 * {@code MulticastSender.send} calls it; {@code verify} is what each edge's one receiver thread
 * does to every datagram of the lane, as {@code MulticastReceiver} calls it: check the signature,
 * then read the event. Every edge receives every datagram, so {@code verify} bounds the rate of the
 * whole lane.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DatagramSigningBenchmark {

    /** JSON payload, bytes. */
    @Param({"100", "1024"})
    int payloadBytes;

    private DatagramCodec codec;
    private UUID sender;
    private Event event;
    private byte[] datagram;
    private long sequence;

    @Setup
    public void prepare() {
        byte[] secret = new byte[DatagramCodec.MIN_SECRET_BYTES];
        new Random(7).nextBytes(secret);
        codec = new DatagramCodec(secret);
        sender = UUID.randomUUID();
        event = SampleEvents.event("prices-42", SampleEvents.JSON, payloadBytes);
        datagram = codec.encode(new EphemeralDatagram(sender, 0, event));
    }

    /** One event's signed datagram. */
    @Benchmark
    public byte[] sign() {
        return codec.encode(new EphemeralDatagram(sender, sequence++, event));
    }

    /** One received datagram, signature checked, read back. */
    @Benchmark
    public EphemeralDatagram verify() throws DroppedDatagramException {
        return codec.decode(datagram, datagram.length);
    }
}
