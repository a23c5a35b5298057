package dev.herald.schemas.ephemeral;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.UUID;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link DatagramCodec#decode} with any bytes, signed under the lane's secret or not (a
 * signature the fuzzer cannot forge would keep it from every field behind it), with any bytes
 * after the datagram's length in the array, starting from real datagrams. A datagram is either
 * dropped with a {@link DroppedDatagramException} giving one of the reasons decoding can find,
 * or it is signed under the secret, carries a valid channel and id and a sequence of at least 0,
 * and encodes back to exactly the bytes it was read from.
 */
class DatagramCodecFuzzTest {

    private static final byte[] SECRET = "a-cluster-secret-of-32-bytes-at-least!".getBytes(StandardCharsets.UTF_8);
    private static final DatagramCodec CODEC = new DatagramCodec(SECRET);
    /** What decoding alone can tell; the rest (replayed, stale, oversized) is the receiver's. */
    private static final EnumSet<DropReason> DECODING_REASONS =
            EnumSet.of(DropReason.MALFORMED, DropReason.TRUNCATED, DropReason.UNSIGNED, DropReason.BAD_SIGNATURE);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void aDatagramIsDroppedForAReasonOrEncodesBackToItsBytes(byte @NotNull [] body, boolean sign,
                                                              @InRange(min = 0, max = 64) int bytesAfter) {
        byte[] datagram = sign ? signed(body) : body;
        byte[] data = Arrays.copyOf(datagram, datagram.length + bytesAfter);
        Arrays.fill(data, datagram.length, data.length, (byte) 0x5A);

        EphemeralDatagram decoded;
        try {
            decoded = CODEC.decode(data, datagram.length);
        } catch (DroppedDatagramException e) {
            assertThat(e.reason()).isIn(DECODING_REASONS);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(isSigned(datagram)).as("accepted only under the secret").isTrue();
        Event event = decoded.event();
        assertThat(ChannelName.violation(event.channel())).isNull();
        assertThat(EventId.requireValid(event.id())).isEqualTo(event.id());
        assertThat(decoded.sequence()).isNotNegative();
        assertThat(CODEC.encode(decoded)).as("encoded again").isEqualTo(datagram);
    }

    private static boolean isSigned(byte[] datagram) {
        int body = datagram.length - DatagramCodec.SIGNATURE_BYTES;
        return body >= 0 && MessageDigest.isEqual(hmac(Arrays.copyOf(datagram, body)),
                Arrays.copyOfRange(datagram, body, datagram.length));
    }

    private static byte[] signed(byte[] body) {
        byte[] signature = hmac(body);
        byte[] datagram = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, datagram, body.length, signature.length);
        return datagram;
    }

    private static byte[] hmac(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> seeds() {
        UUID sender = UUID.fromString("5d2b3c1e-7f0a-4b8e-9c6d-1a2b3c4d5e6f");
        Instant time = Instant.parse("2026-12-01T10:00:00Z");
        return Stream.of(
                        new Event("e-1", "room.1", Event.DEFAULT_TYPE, "test", time, "application/json",
                                "{\"typing\":true}".getBytes(StandardCharsets.UTF_8)),
                        new Event(EventId.generate(time.toEpochMilli()), "user:42/cursor", Event.DEFAULT_TYPE, "test", time, null,
                                new byte[] {0, 1, 2, (byte) 0xFF}))
                .map(event -> CODEC.encode(new EphemeralDatagram(sender, 7, event)))
                .map(datagram -> Arguments.of(Arrays.copyOf(datagram, datagram.length - DatagramCodec.SIGNATURE_BYTES), true, 0));
    }
}
