package dev.herald.bench.jmh;

import java.util.concurrent.TimeUnit;

import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link FrameCodec#eventFrame}: the JSON frame an edge makes of an event. Hot because the edge's
 * one poll thread encodes every event it consumes, of every channel, before the dedup check and
 * whether or not anyone here follows the channel (the frame is also what the history stores). A
 * JSON payload is checked to be exactly one JSON value, then inlined; a binary one goes in as
 * base64.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncodingBenchmark {

    /** {@link SampleEvents#JSON} or {@link SampleEvents#BINARY}. */
    @Param({SampleEvents.JSON, SampleEvents.BINARY})
    String payload;

    @Param({"100", "1024"})
    int payloadBytes;

    private Event event;
    private String position;

    @Setup
    public void prepare() {
        event = SampleEvents.event("prices-42", payload, payloadBytes);
        position = PositionCodec.encode(new Position(SampleEvents.epoch(), 3, 123_456_789L));
    }

    /** One event's frame, as the poll thread makes it. */
    @Benchmark
    public byte[] eventFrame() {
        return FrameCodec.eventFrame(event, position);
    }
}
