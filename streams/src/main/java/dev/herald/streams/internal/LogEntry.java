package dev.herald.streams.internal;

import dev.herald.schemas.RetainedEvent;

/**
 * One record of the log as the topology uses it: an event, or a clear of its channel's latest
 * value. In memory only, between two nodes of one sub-topology: never serialized.
 *
 * @param retained the event and its place in the log, or {@code null} for a clear
 */
public record LogEntry(RetainedEvent retained) {

    private static final LogEntry CLEAR = new LogEntry(null);

    /** The entry of a {@code clear-latest} control record. */
    public static LogEntry clear() {
        return CLEAR;
    }

    /** Whether this clears the channel's latest value (else it is an event). */
    public boolean isClear() {
        return retained == null;
    }

    /** The event's payload bytes; 0 for a clear. */
    public long payloadBytes() {
        return retained == null ? 0 : retained.event().payload().length;
    }
}
