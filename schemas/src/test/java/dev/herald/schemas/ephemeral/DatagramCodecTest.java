package dev.herald.schemas.ephemeral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.herald.schemas.Event;
import org.junit.jupiter.api.Test;

class DatagramCodecTest {

    private static final byte[] SECRET = "a-cluster-secret-of-32-bytes-at-least!".getBytes(StandardCharsets.UTF_8);
    private final DatagramCodec codec = new DatagramCodec(SECRET);
    private final UUID sender = UUID.randomUUID();

    @Test
    void aSignedDatagramDecodesToTheSameEvent() throws Exception {
        Event event = event("{\"typing\":true}", "application/json");
        byte[] data = codec.encode(new EphemeralDatagram(sender, 7, event));
        assertThat(data).hasSize(DatagramCodec.sizeOf(event));

        EphemeralDatagram back = codec.decode(data, data.length);
        assertThat(back.sender()).isEqualTo(sender);
        assertThat(back.sequence()).isEqualTo(7);
        assertThat(back.event().id()).isEqualTo(event.id());
        assertThat(back.event().channel()).isEqualTo("room.1");
        assertThat(back.event().time()).isEqualTo(event.time());
        assertThat(back.event().contentType()).isEqualTo("application/json");
        assertThat(back.event().payload()).isEqualTo(event.payload());
    }

    @Test
    void noContentTypeStaysNone() throws Exception {
        byte[] data = codec.encode(new EphemeralDatagram(sender, 0, event("x", null)));
        assertThat(codec.decode(data, data.length).event().contentType()).isNull();
    }

    @Test
    void eachKindOfBadDatagramIsDroppedForItsOwnReason() {
        Event event = event("{\"cursor\":[1,2]}", "application/json");
        byte[] good = codec.encode(new EphemeralDatagram(sender, 1, event));
        int body = good.length - DatagramCodec.SIGNATURE_BYTES;

        assertDropped(Arrays.copyOf(good, body), DropReason.UNSIGNED);
        assertDropped(Arrays.copyOf(good, body + 10), DropReason.TRUNCATED);
        assertDropped(Arrays.copyOf(good, 30), DropReason.TRUNCATED);
        assertDropped(Arrays.copyOf(good, good.length + 3), DropReason.MALFORMED);

        byte[] altered = good.clone();
        altered[body - 1] ^= 1; // one payload bit
        assertDropped(altered, DropReason.BAD_SIGNATURE);

        byte[] otherSecret = new DatagramCodec("another-secret-that-is-also-long-enough".getBytes(StandardCharsets.UTF_8))
                .encode(new EphemeralDatagram(sender, 1, event));
        assertDropped(otherSecret, DropReason.BAD_SIGNATURE);

        byte[] notOurs = good.clone();
        notOurs[0] = 'X';
        assertDropped(notOurs, DropReason.MALFORMED);
        byte[] version = good.clone();
        version[4] = 9;
        assertDropped(version, DropReason.MALFORMED);
        assertDropped(new byte[0], DropReason.TRUNCATED);
    }

    @Test
    void aSignedContentTypeThatIsNotUtf8IsDroppedAsMalformed() throws Exception {
        // found by DatagramCodecFuzzTest: 0xF5 in the content type was read as U+FFFD, so the
        // datagram was accepted with a content type its sender never wrote
        byte[] good = codec.encode(new EphemeralDatagram(sender, 1, event("{}", "application/json")));
        int body = good.length - DatagramCodec.SIGNATURE_BYTES;
        byte[] bad = Arrays.copyOf(good, body);
        int json = indexOf(bad, "json".getBytes(StandardCharsets.US_ASCII));
        bad[json] = (byte) 0xF5;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] signed = Arrays.copyOf(bad, good.length);
        System.arraycopy(mac.doFinal(bad), 0, signed, body, DatagramCodec.SIGNATURE_BYTES);

        assertThatThrownBy(() -> codec.decode(signed, signed.length))
                .isInstanceOfSatisfying(DroppedDatagramException.class, e -> assertThat(e.reason()).isEqualTo(DropReason.MALFORMED))
                .hasMessage("the content type is not UTF-8");
    }

    private static int indexOf(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aSecretShorterThan32BytesIsRefused() {
        assertThatThrownBy(() -> new DatagramCodec("short".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    }

    private void assertDropped(byte[] data, DropReason reason) {
        assertThatThrownBy(() -> codec.decode(data, data.length))
                .isInstanceOfSatisfying(DroppedDatagramException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static Event event(String payload, String contentType) {
        return new Event("ev-" + UUID.randomUUID(), "room.1", Event.DEFAULT_TYPE, "herald://test",
                Instant.ofEpochMilli(1_700_000_000_123L), contentType, payload.getBytes(StandardCharsets.UTF_8));
    }
}
