package dev.herald.streams.internal;

import java.nio.ByteBuffer;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running total of one channel's window in the metering store: events and payload bytes.
 *
 * @param events events counted
 * @param bytes  their payload bytes
 */
public record Usage(long events, long bytes) {

    /** Nothing counted yet. */
    public static final Usage NONE = new Usage(0, 0);

    /** This total with one more event of {@code payloadBytes}. */
    public Usage plus(long payloadBytes) {
        return new Usage(events + 1, bytes + payloadBytes);
    }

    /** The store's serde: 16 bytes, events then bytes, big-endian. */
    public static Serde<Usage> serde() {
        Serializer<Usage> serializer = (topic, usage) -> usage == null ? null
                : ByteBuffer.allocate(16).putLong(usage.events()).putLong(usage.bytes()).array();
        Deserializer<Usage> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length != 16) {
                throw new IllegalArgumentException("a stored usage total is 16 bytes, this one " + data.length);
            }
            ByteBuffer b = ByteBuffer.wrap(data);
            return new Usage(b.getLong(), b.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
