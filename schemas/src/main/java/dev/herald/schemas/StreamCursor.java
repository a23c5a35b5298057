package dev.herald.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Where a multi-channel stream (one SSE connection following several channels) stands: the
 * log's epoch and, for each of its channels in the stream's order, the offset of the last event
 * it was sent. It is the SSE {@code id:} of such a stream, so that the browser's own
 * {@code Last-Event-ID} reconnect resumes every channel at once. A stream of one channel uses
 * that channel's plain {@link Position} instead, the same string as on WebSocket.
 *
 * <pre>
 * Layout (version 2), big-endian, then base64url without padding:
 *
 *   0      1                17               19                23        25                 25+8n
 *   +------+----------------+----------------+-----------------+---------+------------------+-----------+
 *   | 0x02 | topic id (16)  | partitions (2) | channels crc(4) | n (2)   | n x offset (8)   | crc32c(4) |
 *   +------+----------------+----------------+-----------------+---------+------------------+-----------+
 * </pre>
 *
 * The version byte differs from a position's (1), so one decoder tells them apart. "channels
 * crc" is a CRC-32C of the channel names joined by line feeds, in order: a cursor is refused for
 * a stream of other channels, or of the same channels in another order, instead of applying
 * offsets to the wrong channels. The final CRC-32C covers everything before it. An offset of -1
 * means "nothing sent yet, from the start of the partition".
 *
 * <p>Immutable and thread-safe.
 */
public final class StreamCursor {

    static final byte VERSION = 2;
    private static final int HEADER = 25;
    private static final int MAX_CHANNELS = 65_535;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Epoch epoch;
    private final int channelsCrc;
    private final long[] offsets;

    private StreamCursor(Epoch epoch, int channelsCrc, long[] offsets) {
        this.epoch = epoch;
        this.channelsCrc = channelsCrc;
        this.offsets = offsets;
    }

    /**
     * A cursor for the stream of {@code channels} (in this order) at {@code offsets}, one per
     * channel.
     *
     * @throws IllegalArgumentException if the counts differ, there are no channels or too many,
     *                                  or an offset is below -1
     */
    public static StreamCursor of(Epoch epoch, List<String> channels, long[] offsets) {
        if (channels.isEmpty() || channels.size() > MAX_CHANNELS || channels.size() != offsets.length) {
            throw new IllegalArgumentException("a stream cursor needs one offset per channel, 1 to " + MAX_CHANNELS
                    + " channels; got " + channels.size() + " channels and " + offsets.length + " offsets");
        }
        checkOffsets(offsets);
        return new StreamCursor(epoch, channelsCrc(channels), offsets.clone());
    }

    private static void checkOffsets(long[] offsets) {
        for (long o : offsets) {
            if (o < -1) {
                throw new IllegalArgumentException("offset must be -1 or more: " + o);
            }
        }
    }

    /**
     * The same stream at other {@code offsets}, one per channel: the channel list is not hashed
     * again, so a stream that moves its cursor on every event pays only for the offsets.
     *
     * @throws IllegalArgumentException if the count differs or an offset is below -1
     */
    public StreamCursor withOffsets(long[] offsets) {
        if (offsets.length != this.offsets.length) {
            throw new IllegalArgumentException("this stream has " + this.offsets.length + " channels; got " + offsets.length + " offsets");
        }
        checkOffsets(offsets);
        return new StreamCursor(epoch, channelsCrc, offsets.clone());
    }

    /** The URL-safe string form. */
    public String encode() {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 8 * offsets.length + 4);
        buf.put(VERSION);
        UUID topic = epoch.topicId();
        buf.putLong(topic.getMostSignificantBits());
        buf.putLong(topic.getLeastSignificantBits());
        buf.putShort((short) epoch.partitionCount());
        buf.putInt(channelsCrc);
        buf.putShort((short) offsets.length);
        for (long o : offsets) {
            buf.putLong(o);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return ENCODER.encodeToString(buf.array());
    }

    /**
     * Whether {@code token} looks like a stream cursor rather than a position (its version
     * byte); says nothing about whether it is valid.
     */
    public static boolean isStreamCursor(String token) {
        if (token == null || token.length() < 2) {
            return false;
        }
        try {
            byte[] first = DECODER.decode(token.substring(0, 2) + "AA");
            return first[0] == VERSION;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Decodes a string made by {@link #encode}.
     *
     * @throws InvalidInputException if {@code token} is not such a string; the message says why
     */
    public static StreamCursor decode(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidInputException("stream cursor is empty");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not a Herald stream cursor (not base64url)");
        }
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new InvalidInputException("not a Herald stream cursor (unknown version)");
        }
        if (bytes.length < HEADER + 8 + 4) {
            throw new InvalidInputException("not a Herald stream cursor (too short)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int count = Short.toUnsignedInt(buf.getShort(HEADER - 2));
        if (count == 0 || bytes.length != HEADER + 8 * count + 4) {
            throw new InvalidInputException("not a Herald stream cursor (wrong length)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (buf.getInt(bytes.length - 4) != (int) crc.getValue()) {
            throw new InvalidInputException("not a Herald stream cursor (checksum mismatch)");
        }
        buf.position(1);
        UUID topic = new UUID(buf.getLong(), buf.getLong());
        int partitions = Short.toUnsignedInt(buf.getShort());
        int channels = buf.getInt();
        buf.getShort();
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = buf.getLong();
            if (offsets[i] < -1) {
                throw new InvalidInputException("not a valid Herald stream cursor: offset " + offsets[i]);
            }
        }
        try {
            return new StreamCursor(new Epoch(topic, partitions), channels, offsets);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not a valid Herald stream cursor: " + e.getMessage());
        }
    }

    public Epoch epoch() {
        return epoch;
    }

    /** How many channels the cursor covers. */
    public int size() {
        return offsets.length;
    }

    /** The offset of the last event sent on the channel at {@code index} of the stream, or -1. */
    public long offset(int index) {
        return offsets[index];
    }

    /** Whether this cursor was made for a stream of exactly {@code channels}, in this order. */
    public boolean isFor(List<String> channels) {
        return channels.size() == offsets.length && channelsCrc(channels) == channelsCrc;
    }

    private static int channelsCrc(List<String> channels) {
        CRC32C crc = new CRC32C();
        crc.update(String.join("\n", channels).getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamCursor c && epoch.equals(c.epoch) && channelsCrc == c.channelsCrc && Arrays.equals(offsets, c.offsets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * epoch.hashCode() + channelsCrc) + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return "StreamCursor[" + epoch + ", " + Arrays.toString(offsets) + "]";
    }
}
