package dev.herald.schemas.ephemeral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Datagrams of every shape the lane may carry, and every way one can be damaged: a receiver
 * decodes exactly what was sent, and drops anything else with a {@link DroppedDatagramException}
 * that says why, never another exception.
 */
class DatagramCodecProperties {

    private static final byte[] SECRET = "a-cluster-secret-of-32-bytes-at-least!".getBytes(StandardCharsets.UTF_8);
    private static final String CHANNEL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@/-";
    /** The largest payload tried: the size of the lane's default datagram (ephemeral.max.datagram.bytes). */
    private static final int MAX_PAYLOAD_BYTES = 8_192;
    /** Where the channel's length byte is; every field before it has a fixed size. */
    private static final int CHANNEL_LENGTH_AT = 37;

    private final DatagramCodec codec = new DatagramCodec(SECRET);

    @Property
    void everyDatagramDecodesToWhatWasSent(@ForAll("datagrams") EphemeralDatagram sent) throws Exception {
        byte[] data = codec.encode(sent);

        EphemeralDatagram back = codec.decode(data, data.length);

        Event event = sent.event();
        assertThat(data).hasSize(DatagramCodec.sizeOf(event));
        assertThat(back.sender()).isEqualTo(sent.sender());
        assertThat(back.sequence()).isEqualTo(sent.sequence());
        assertThat(back.event().id()).isEqualTo(event.id());
        assertThat(back.event().channel()).isEqualTo(event.channel());
        assertThat(back.event().time()).isEqualTo(event.time());
        assertThat(back.event().contentType()).isEqualTo(event.contentType());
        assertThat(back.event().payload()).isEqualTo(event.payload());
        assertThat(back.event().type()).isEqualTo(Event.DEFAULT_TYPE);
        assertThat(back.event().source()).isEqualTo(EphemeralDatagram.sourceOf(sent.sender()));
    }

    @Property
    void anEventEncodesExactlyWhenNoFieldIsOverTheLimit(@ForAll("datagrams") EphemeralDatagram sent,
                                                         @ForAll @IntRange(min = 0, max = 400) int contentTypeBytes) throws Exception {
        Event e = sent.event();
        String contentType = "t/" + "x".repeat(contentTypeBytes);
        EphemeralDatagram withType = new EphemeralDatagram(sent.sender(), sent.sequence(),
                new Event(e.id(), e.channel(), e.type(), e.source(), e.time(), contentType, e.payload()));

        Throwable thrown = catchThrowable(() -> codec.encode(withType));

        if (contentType.length() <= DatagramCodec.MAX_FIELD_BYTES) {
            assertThat(DatagramCodec.fieldViolation(withType.event())).isNull();
            assertThat(thrown).isNull();
            byte[] data = codec.encode(withType);
            assertThat(codec.decode(data, data.length).event().contentType()).isEqualTo(contentType);
        } else {
            String violation = "the content type is " + contentType.length() + " bytes; a datagram carries at most 255";
            assertThat(DatagramCodec.fieldViolation(withType.event())).isEqualTo(violation);
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(violation);
        }
    }

    @Property
    void flippingAnyBitIsDroppedAndASignedFieldAsBadlySigned(@ForAll("datagrams") EphemeralDatagram sent,
                                                              @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where) {
        byte[] data = codec.encode(sent);
        int bit = where % (data.length * 8);
        int at = bit / 8;
        data[at] ^= (byte) (1 << (bit % 8));

        DroppedDatagramException dropped = dropped(data, data.length);

        Statistics.collect(dropped.reason());
        if (at < DatagramCodec.MAGIC.length + 1) {
            assertThat(dropped.reason()).as("magic or version").isEqualTo(DropReason.MALFORMED);
        } else if (!isLengthField(sent.event(), at)) {
            assertThat(dropped.reason()).as("byte %d of %d", at, data.length).isEqualTo(DropReason.BAD_SIGNATURE);
        }
    }

    @Property
    void aDatagramCutShortAnywhereIsDroppedAsTruncatedOrUnsigned(@ForAll("datagrams") EphemeralDatagram sent,
                                                                 @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where) {
        byte[] data = codec.encode(sent);
        int length = where % data.length;
        DropReason expected = length == data.length - DatagramCodec.SIGNATURE_BYTES ? DropReason.UNSIGNED : DropReason.TRUNCATED;

        assertThat(dropped(Arrays.copyOf(data, length), length).reason()).isEqualTo(expected);
        assertThat(dropped(data, length).reason()).as("the bytes past the length are not read").isEqualTo(expected);
    }

    @Property
    void aDatagramSignedWithAnotherSecretIsDroppedAsBadlySigned(@ForAll("datagrams") EphemeralDatagram sent,
                                                              @ForAll("secrets") byte[] otherSecret) {
        Assume.that(!Arrays.equals(otherSecret, SECRET));
        byte[] data = new DatagramCodec(otherSecret).encode(sent);

        assertThat(dropped(data, data.length).reason()).isEqualTo(DropReason.BAD_SIGNATURE);
    }

    @Property
    void randomBytesAreOnlyEverDropped(@ForAll("garbage") byte[] garbage) {
        Statistics.collect(dropped(garbage, garbage.length).reason());
    }

    @Property
    void aSignedDatagramWithABadChannelIsDroppedAsMalformed(@ForAll("datagrams") EphemeralDatagram sent,
                                                            @ForAll("badChannels") String channel) {
        Event e = sent.event();
        Event bad = new Event(e.id(), channel, e.type(), e.source(), e.time(), e.contentType(), e.payload());
        byte[] data = codec.encode(new EphemeralDatagram(sent.sender(), sent.sequence(), bad));

        DroppedDatagramException dropped = dropped(data, data.length);

        assertThat(dropped.reason()).isEqualTo(DropReason.MALFORMED);
        assertThat(dropped.getMessage()).startsWith("bad channel: ");
    }

    /** Decodes {@code data}, which must be dropped, and nothing else may go wrong. */
    private DroppedDatagramException dropped(byte[] data, int length) {
        Throwable thrown = catchThrowable(() -> codec.decode(data, length));
        assertThat(thrown).isInstanceOf(DroppedDatagramException.class);
        assertThat(thrown.getMessage()).isNotBlank();
        return (DroppedDatagramException) thrown;
    }

    /** Whether byte {@code at} of {@code event}'s datagram is one of its length fields. */
    private static boolean isLengthField(Event event, int at) {
        int channelLengthAt = CHANNEL_LENGTH_AT;
        int idLengthAt = channelLengthAt + 1 + event.channel().length();
        int typeLengthAt = idLengthAt + 1 + event.id().length();
        int typeBytes = event.contentType() == null ? 0 : event.contentType().getBytes(StandardCharsets.UTF_8).length;
        int payloadLengthAt = typeLengthAt + 1 + typeBytes;
        return at == channelLengthAt || at == idLengthAt || at == typeLengthAt || (at >= payloadLengthAt && at < payloadLengthAt + 4);
    }

    @Provide
    Arbitrary<EphemeralDatagram> datagrams() {
        Arbitrary<UUID> senders = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        Arbitrary<String> channels = Arbitraries.strings().withChars(CHANNEL_CHARS.toCharArray()).ofMinLength(1)
                .ofMaxLength(ChannelName.MAX_LENGTH).filter(ChannelName::isValid);
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255);
        Arbitrary<Instant> times = Arbitraries.longs().map(Instant::ofEpochMilli);
        Arbitrary<String> contentTypes = Arbitraries.oneOf(
                        Arbitraries.of("application/json", "text/plain; charset=utf-8", "application/octet-stream"),
                        Arbitraries.strings().ofMinLength(1).ofMaxLength(60).filter(DatagramCodecProperties::isWellFormedUtf16)
                                .filter(s -> s.getBytes(StandardCharsets.UTF_8).length <= 255))
                .injectNull(0.3);
        Arbitrary<byte[]> payloads = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX_PAYLOAD_BYTES)));
        Arbitrary<Event> events = Combinators.combine(ids, channels, times, contentTypes, payloads)
                .as((id, channel, time, type, payload) -> new Event(id, channel, Event.DEFAULT_TYPE, "herald://test", time, type, payload));
        return Combinators.combine(senders, Arbitraries.longs().between(0, Long.MAX_VALUE), events).as(EphemeralDatagram::new);
    }

    @Provide
    Arbitrary<byte[]> secrets() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(DatagramCodec.MIN_SECRET_BYTES).ofMaxSize(64);
    }

    @Provide
    Arbitrary<String> badChannels() {
        return Arbitraries.strings().withChars((CHANNEL_CHARS + " #?%").toCharArray()).ofMaxLength(255)
                .filter(s -> !ChannelName.isValid(s));
    }

    /**
     * Random bytes, random bytes behind a valid magic and version, and random fields laid out as a
     * datagram's with a random tail where the signature goes, so that decoding reads further.
     */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> behindAHeader = random.map(b -> {
            byte[] data = Arrays.copyOf(new byte[] {'H', 'R', 'L', 'D', DatagramCodec.VERSION}, 5 + b.length);
            System.arraycopy(b, 0, data, 5, b.length);
            return data;
        });
        Arbitrary<byte[]> withSmallLengths = behindAHeader.map(data -> {
            if (data.length > CHANNEL_LENGTH_AT) {
                data[CHANNEL_LENGTH_AT] = (byte) (data[CHANNEL_LENGTH_AT] & 0x1F);
            }
            return data;
        });
        Arbitrary<byte[]> field = Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
        Arbitrary<Integer> tailBytes = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 40)),
                Tuple.of(1, Arbitraries.just(DatagramCodec.SIGNATURE_BYTES)));
        Arbitrary<byte[]> tails = tailBytes.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<byte[]> senderSequenceAndTime = Arbitraries.bytes().array(byte[].class).ofSize(16 + 8 + 8);
        Arbitrary<byte[]> wellLaidOut = Combinators.combine(senderSequenceAndTime, field, field, field, field, tails)
                .as((fixed, channel, id, type, payload, tail) -> {
                    ByteBuffer b = ByteBuffer.allocate(CHANNEL_LENGTH_AT + 3 + channel.length + id.length + type.length + 4
                            + payload.length + tail.length);
                    b.put(new byte[] {'H', 'R', 'L', 'D', DatagramCodec.VERSION}).put(fixed)
                            .put((byte) channel.length).put(channel).put((byte) id.length).put(id).put((byte) type.length).put(type)
                            .putInt(payload.length).put(payload).put(tail);
                    return b.array();
                });
        return Arbitraries.oneOf(random, behindAHeader, withSmallLengths, wellLaidOut);
    }

    private static boolean isWellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
