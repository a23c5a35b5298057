package dev.herald.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link PositionCodec}: positions to resume tokens and back. Hot because the edge's poll thread
 * encodes one for every event it consumes (the frame's {@code position}), and every subscribe
 * encodes the channel's head; every resume (a WebSocket {@code subscribe} with a position, an SSE
 * {@code Last-Event-ID}) decodes one, so a reconnect storm decodes one per returning client. Each
 * call takes the next of {@value #COUNT} positions of random partitions and offsets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PositionCodecBenchmark {

    /** Positions cycled through; a power of two. */
    static final int COUNT = 1_024;

    private final Position[] positions = new Position[COUNT];
    private final String[] tokens = new String[COUNT];
    private int next;

    @Setup
    public void prepare() {
        Random random = new Random(42);
        Epoch epoch = SampleEvents.epoch();
        for (int i = 0; i < COUNT; i++) {
            positions[i] = new Position(epoch, random.nextInt(SampleEvents.PARTITIONS), random.nextLong(1L << 40));
            tokens[i] = PositionCodec.encode(positions[i]);
        }
    }

    /** A position's token. */
    @Benchmark
    public String encode() {
        return PositionCodec.encode(positions[next++ & (COUNT - 1)]);
    }

    /** A token's position, checksum checked. */
    @Benchmark
    public Position decode() {
        return PositionCodec.decode(tokens[next++ & (COUNT - 1)]);
    }
}
