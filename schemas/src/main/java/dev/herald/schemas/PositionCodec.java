package dev.herald.schemas;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes positions as opaque, URL-safe strings (resume tokens) and decodes them back.
 *
 * <pre>
 * Layout (version 1), 35 bytes, big-endian, then base64url without padding (47 characters):
 *
 *   0      1                17               19         23             31          35
 *   +------+----------------+----------------+----------+--------------+-----------+
 *   | 0x01 | topic id (16)  | partitions (2) | part (4) | offset (8)   | crc32c(4) |
 *   +------+----------------+----------------+----------+--------------+-----------+
 * </pre>
 *
 * The version byte lets later layouts coexist; the CRC-32C over the first 31 bytes makes a
 * mistyped or truncated token fail loudly rather than name another point in the stream. The
 * token is opaque to clients by contract, not by secrecy: it is not encrypted or signed.
 *
 * <p>Thread-safe; all methods are static.
 */
public final class PositionCodec {

    static final byte VERSION = 1;
    static final int LENGTH = 35;
    private static final int CRC_OFFSET = 31;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private PositionCodec() {
    }

    /** The URL-safe string for {@code position}. */
    public static String encode(Position position) {
        ByteBuffer buf = ByteBuffer.allocate(LENGTH);
        buf.put(VERSION);
        UUID topic = position.epoch().topicId();
        buf.putLong(topic.getMostSignificantBits());
        buf.putLong(topic.getLeastSignificantBits());
        buf.putShort((short) position.epoch().partitionCount());
        buf.putInt(position.partition());
        buf.putLong(position.offset());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, CRC_OFFSET);
        buf.putInt((int) crc.getValue());
        return ENCODER.encodeToString(buf.array());
    }

    /**
     * Decodes a string made by {@link #encode}.
     *
     * @throws InvalidInputException if {@code token} is not such a string; the message says why
     */
    public static Position decode(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidInputException("position is empty");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("position is not a Herald position token (not base64url)");
        }
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new InvalidInputException("position is not a Herald position token (unknown version)");
        }
        if (bytes.length != LENGTH) {
            throw new InvalidInputException("position is not a Herald position token (wrong length)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CRC_OFFSET);
        if (buf.getInt(CRC_OFFSET) != (int) crc.getValue()) {
            throw new InvalidInputException("position is not a Herald position token (checksum mismatch)");
        }
        buf.position(1);
        UUID topic = new UUID(buf.getLong(), buf.getLong());
        int partitions = Short.toUnsignedInt(buf.getShort());
        int partition = buf.getInt();
        long offset = buf.getLong();
        try {
            return new Position(new Epoch(topic, partitions), partition, offset);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("position is not a valid Herald position: " + e.getMessage());
        }
    }
}
