package dev.herald.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Records in the log that carry an instruction about a channel rather than an event of it.
 *
 * <p>A control record has the channel as its key (so it sits in the channel's partition, in order
 * with its events), an empty value, and the header {@value #HEADER} naming the instruction; it has
 * no {@code ce_} headers, so no CloudEvents reader takes it for an event. Herald writes one kind:
 * {@link #CLEAR_LATEST} ({@code DELETE /v1/channels/{channel}/latest}), which the streams
 * service turns into a tombstone of the channel's latest value.
 *
 * <p>A record with the header is never an event, whatever its value says, and even when its
 * instruction is one this version does not know ({@link #UNKNOWN}): edges skip it instead of
 * delivering it, so a newer writer's instructions never reach subscribers of an older edge.
 *
 * <p>Thread-safe; all methods are static.
 */
public enum LogControl {

    /** Clear the channel's latest value: later readers of it find none until its next event. */
    CLEAR_LATEST("clear-latest"),
    /** A control record with an instruction this version does not know; skipped, never delivered. */
    UNKNOWN("");

    /** The header that marks a control record; its value names the instruction. */
    public static final String HEADER = "herald-control";

    private final String wire;
    private final byte[] wireBytes;

    LogControl(String wire) {
        this.wire = wire;
        this.wireBytes = wire.getBytes(StandardCharsets.UTF_8);
    }

    /** The header value that names this instruction. */
    public String wire() {
        return wire;
    }

    /**
     * The header that marks a record as this instruction.
     *
     * @throws IllegalStateException for {@link #UNKNOWN}, which is read, never written
     */
    public HeaderField header() {
        if (this == UNKNOWN) {
            throw new IllegalStateException("an unknown control instruction cannot be written");
        }
        return new HeaderField(HEADER, wireBytes.clone());
    }

    /** Whether a record with {@code headers} is a control record (has a {@value #HEADER} header), not an event. */
    public static boolean isControl(Iterable<HeaderField> headers) {
        for (HeaderField h : headers) {
            if (HEADER.equals(h.key())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The instruction of a record with {@code headers}: {@code null} for an event (no
     * {@value #HEADER} header), {@link #UNKNOWN} for an instruction this version does not know.
     */
    public static LogControl of(Iterable<HeaderField> headers) {
        for (HeaderField h : headers) {
            if (HEADER.equals(h.key())) {
                return h.value() != null && Arrays.equals(h.value(), CLEAR_LATEST.wireBytes) ? CLEAR_LATEST : UNKNOWN;
            }
        }
        return null;
    }
}
