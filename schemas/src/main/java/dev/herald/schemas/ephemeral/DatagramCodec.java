package dev.herald.schemas.ephemeral;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.InvalidInputException;

/**
 * The wire format of the ephemeral lane, version 1, and its HMAC-SHA256 signature.
 *
 * <pre>
 * offset  size  field
 *      0     4  magic "HRLD"
 *      4     1  version (1)
 *      5    16  sender id (UUID, most significant half first)
 *     21     8  sender sequence
 *     29     8  event time, Unix milliseconds
 *     37     1  channel length c (1..255), then c bytes of channel (ASCII)
 *            1  id length i (1..255), then i bytes of event id (ASCII)
 *            1  content-type length t (0 = none), then t bytes (UTF-8)
 *            4  payload length p, then p bytes of payload
 *           32  HMAC-SHA256 under the cluster secret of every byte before it
 * </pre>
 *
 * All integers are big-endian. A datagram that ends right after its payload is unsigned; one
 * with anything other than exactly 32 bytes after it is malformed or truncated. Decoding checks
 * the signature before trusting any field it has not needed to find the signature; a signed
 * datagram whose channel, id or content type breaks its rules (a content type that is not UTF-8
 * among them) is malformed, so that what is decoded encodes back to the same bytes.
 *
 * <p>Thread-safe (each thread signs with its own {@link Mac}).
 */
public final class DatagramCodec {

    /** HMAC-SHA256's output. */
    public static final int SIGNATURE_BYTES = 32;
    /** The shortest cluster secret a datagram is signed with, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;
    /** The longest channel, event id or content type a datagram carries, in bytes. */
    public static final int MAX_FIELD_BYTES = 255;
    static final byte[] MAGIC = "HRLD".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION = 1;
    private static final String ALGORITHM = "HmacSHA256";
    /** Everything but the channel, id, content type and payload bytes. */
    static final int FIXED_BYTES = 4 + 1 + 16 + 8 + 8 + 1 + 1 + 1 + 4 + SIGNATURE_BYTES;

    private final ThreadLocal<Mac> mac;

    /**
     * @param secret the cluster secret shared by every sender and receiver of the lane, at least
     *               {@value #MIN_SECRET_BYTES} bytes
     */
    public DatagramCodec(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the ephemeral lane's secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        SecretKeySpec key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
            }
        });
    }

    /**
     * Why no datagram can carry {@code event} (its channel, id or content type is over
     * {@value #MAX_FIELD_BYTES} bytes), or {@code null} if one can. A valid channel and id always
     * fit; a content type comes from the publisher and may not.
     */
    public static String fieldViolation(Event event) {
        String violation = fieldViolation("channel", ascii(event.channel()).length);
        if (violation == null) {
            violation = fieldViolation("id", ascii(event.id()).length);
        }
        return violation != null ? violation : fieldViolation("content type", contentType(event).length);
    }

    private static String fieldViolation(String field, int bytes) {
        return bytes <= MAX_FIELD_BYTES ? null : "the " + field + " is " + bytes + " bytes; a datagram carries at most " + MAX_FIELD_BYTES;
    }

    /** The size of {@code event}'s datagram, signature included, without encoding it. */
    public static int sizeOf(Event event) {
        return FIXED_BYTES + ascii(event.channel()).length + ascii(event.id()).length
                + contentType(event).length + event.payload().length;
    }

    /**
     * The signed datagram of {@code datagram}.
     *
     * @throws IllegalArgumentException if its event has a {@link #fieldViolation}
     */
    public byte[] encode(EphemeralDatagram datagram) {
        Event event = datagram.event();
        String violation = fieldViolation(event);
        if (violation != null) {
            throw new IllegalArgumentException("no datagram can carry this event: " + violation);
        }
        byte[] channel = ascii(event.channel());
        byte[] id = ascii(event.id());
        byte[] type = contentType(event);
        ByteBuffer out = ByteBuffer.allocate(sizeOf(event));
        out.put(MAGIC).put(VERSION)
                .putLong(datagram.sender().getMostSignificantBits()).putLong(datagram.sender().getLeastSignificantBits())
                .putLong(datagram.sequence()).putLong(event.time().toEpochMilli())
                .put((byte) channel.length).put(channel)
                .put((byte) id.length).put(id)
                .put((byte) type.length).put(type)
                .putInt(event.payload().length).put(event.payload());
        Mac m = mac.get();
        m.update(out.array(), 0, out.position());
        out.put(m.doFinal());
        return out.array();
    }

    /**
     * Reads one datagram of {@code length} bytes from the start of {@code data}.
     *
     * @throws DroppedDatagramException with the reason it must be dropped
     */
    public EphemeralDatagram decode(byte[] data, int length) throws DroppedDatagramException {
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        UUID sender;
        long sequence;
        long timeMs;
        byte[] channel;
        byte[] id;
        byte[] type;
        byte[] payload;
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!MessageDigest.isEqual(magic, MAGIC)) {
                throw new DroppedDatagramException(DropReason.MALFORMED, "not a Herald datagram");
            }
            byte version = in.get();
            if (version != VERSION) {
                throw new DroppedDatagramException(DropReason.MALFORMED, "unknown version " + version);
            }
            sender = new UUID(in.getLong(), in.getLong());
            sequence = in.getLong();
            timeMs = in.getLong();
            channel = bytes(in, in.get() & 0xFF);
            id = bytes(in, in.get() & 0xFF);
            type = bytes(in, in.get() & 0xFF);
            int payloadLength = in.getInt();
            if (payloadLength < 0) {
                throw new DroppedDatagramException(DropReason.MALFORMED, "negative payload length");
            }
            payload = bytes(in, payloadLength);
        } catch (BufferUnderflowException e) {
            throw new DroppedDatagramException(DropReason.TRUNCATED, "datagram of " + length + " bytes ends inside its fields");
        }
        int signed = in.position();
        int rest = in.remaining();
        if (rest == 0) {
            throw new DroppedDatagramException(DropReason.UNSIGNED, "datagram carries no signature");
        }
        if (rest < SIGNATURE_BYTES) {
            throw new DroppedDatagramException(DropReason.TRUNCATED, "signature cut short to " + rest + " bytes");
        }
        if (rest > SIGNATURE_BYTES) {
            throw new DroppedDatagramException(DropReason.MALFORMED, (rest - SIGNATURE_BYTES) + " stray bytes after the payload");
        }
        Mac m = mac.get();
        m.update(data, 0, signed);
        byte[] expected = m.doFinal();
        byte[] actual = new byte[SIGNATURE_BYTES];
        in.get(actual);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new DroppedDatagramException(DropReason.BAD_SIGNATURE, "signature does not match");
        }
        if (sequence < 0) {
            throw new DroppedDatagramException(DropReason.MALFORMED, "negative sequence");
        }
        try {
            String channelName = new String(channel, StandardCharsets.US_ASCII);
            String violation = ChannelName.violation(channelName);
            if (violation != null) {
                throw new DroppedDatagramException(DropReason.MALFORMED, "bad channel: " + violation);
            }
            Event event = new Event(EventId.requireValid(new String(id, StandardCharsets.US_ASCII)), channelName,
                    Event.DEFAULT_TYPE, EphemeralDatagram.sourceOf(sender), Instant.ofEpochMilli(timeMs),
                    type.length == 0 ? null : utf8(type, "content type"), payload);
            return new EphemeralDatagram(sender, sequence, event);
        } catch (InvalidInputException e) {
            throw new DroppedDatagramException(DropReason.MALFORMED, "bad event id: " + e.getMessage());
        }
    }

    /** {@code bytes} read as strict UTF-8: a field that is not is malformed, not read with stand-ins. */
    private static String utf8(byte[] bytes, String field) throws DroppedDatagramException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DroppedDatagramException(DropReason.MALFORMED, "the " + field + " is not UTF-8");
        }
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] contentType(Event event) {
        return event.contentType() == null ? new byte[0] : event.contentType().getBytes(StandardCharsets.UTF_8);
    }
}
