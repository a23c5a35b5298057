package dev.herald.schemas;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Event ids: the client's {@code Idempotency-Key} when it gives one, otherwise a time-ordered
 * UUID (version 7) made here, or, for a record written by a producer that set no id, one derived
 * from its partition and offset.
 *
 * <p>An id is 1 to {@value #MAX_LENGTH} visible ASCII characters (0x21 to 0x7E), so it fits a
 * header, a JSON string and a log line unescaped. Edges deduplicate by id.
 */
public final class EventId {

    /** The longest valid id, in characters. */
    public static final int MAX_LENGTH = 255;

    private static final SecureRandom RANDOM = new SecureRandom();

    private EventId() {
    }

    /** A new UUIDv7 string: 48 bits of Unix milliseconds, then random bits. Thread-safe. */
    public static String generate(long epochMillis) {
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (RANDOM.nextInt() & 0x0FFF);
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** The id of a record that carries none: {@code kafka-<partition>-<offset>}. */
    public static String forRecord(int partition, long offset) {
        return "kafka-" + partition + "-" + offset;
    }

    /**
     * Returns {@code id} if it is a valid event id.
     *
     * @throws InvalidInputException naming the rule {@code id} breaks
     */
    public static String requireValid(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidInputException("event id is empty");
        }
        if (id.length() > MAX_LENGTH) {
            throw new InvalidInputException("event id is " + id.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new InvalidInputException("event id has a character outside visible ASCII at index " + i);
            }
        }
        return id;
    }
}
