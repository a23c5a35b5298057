package dev.herald.fanout;

/**
 * One event of a channel's history as the edge keeps it: its offset and its encoded frame.
 *
 * @param partition the event's partition
 * @param offset    the event's offset
 * @param frame     the event frame bytes, shared; never modify
 */
public record StoredFrame(int partition, long offset, byte[] frame) {
}
