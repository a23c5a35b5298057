package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StreamCursorProperties {

    private static final Epoch EPOCH = new Epoch(UUID.fromString("00000000-0000-0000-0000-00000000002a"), 6);

    @Property
    void everyCursorRoundTripsAndMatchesItsChannels(@ForAll("channelLists") List<String> channels, @ForAll long seed) {
        long[] offsets = offsets(channels.size(), seed);
        StreamCursor cursor = StreamCursor.of(EPOCH, channels, offsets);

        StreamCursor decoded = StreamCursor.decode(cursor.encode());

        assertThat(decoded).isEqualTo(cursor);
        assertThat(decoded.isFor(channels)).isTrue();
        assertThat(decoded.epoch()).isEqualTo(EPOCH);
        for (int i = 0; i < offsets.length; i++) {
            assertThat(decoded.offset(i)).isEqualTo(offsets[i]);
        }
        assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
        assertThat(StreamCursor.isStreamCursor(cursor.encode())).isTrue();
    }

    @Property
    void movingTheOffsetsKeepsTheStream(@ForAll("channelLists") List<String> channels, @ForAll long seed) {
        long[] offsets = offsets(channels.size(), seed);
        StreamCursor moved = StreamCursor.of(EPOCH, channels, new long[channels.size()]).withOffsets(offsets);
        assertThat(moved).isEqualTo(StreamCursor.of(EPOCH, channels, offsets));
    }

    @Property
    void aCursorIsNotForOtherChannelsOrAnotherOrder(@ForAll("channelLists") List<String> channels) {
        StreamCursor cursor = StreamCursor.of(EPOCH, channels, new long[channels.size()]);
        List<String> other = new java.util.ArrayList<>(channels);
        other.set(0, channels.get(0) + "x");
        assertThat(cursor.isFor(other)).isFalse();
        if (channels.size() > 1 && !channels.get(0).equals(channels.get(1))) {
            List<String> swapped = new java.util.ArrayList<>(channels);
            swapped.set(0, channels.get(1));
            swapped.set(1, channels.get(0));
            assertThat(cursor.isFor(swapped)).isFalse();
        }
    }

    @Property
    void changingOneCharacterIsDetected(@ForAll("channelLists") List<String> channels, @ForAll @IntRange(min = 0, max = 10_000) int where,
                                        @ForAll @IntRange(min = 1, max = 63) int shift) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StreamCursor cursor = StreamCursor.of(EPOCH, channels, offsets(channels.size(), where));
        char[] token = cursor.encode().toCharArray();
        int index = where % token.length;
        token[index] = alphabet.charAt((alphabet.indexOf(token[index]) + shift) % 64);
        String mutated = new String(token);

        Throwable thrown = catchThrowable(() -> StreamCursor.decode(mutated));

        // The last character may carry padding bits base64url ignores; a change there may decode to the same bytes.
        if (thrown == null) {
            assertThat(StreamCursor.decode(mutated)).isEqualTo(cursor);
            assertThat(index).isEqualTo(token.length - 1);
        } else {
            assertThat(thrown).isInstanceOf(InvalidInputException.class).hasMessageStartingWith("not a");
        }
    }

    @Property
    void garbageFailsOnlyWithAClearMessage(@ForAll String garbage) {
        Throwable thrown = catchThrowable(() -> StreamCursor.decode(garbage));
        assertThat(thrown).isInstanceOf(InvalidInputException.class);
        assertThat(thrown.getMessage()).containsIgnoringCase("stream cursor");
    }

    @Example
    void positionsAndCursorsAreToldApart() {
        String position = PositionCodec.encode(new Position(EPOCH, 2, 7));
        String cursor = StreamCursor.of(EPOCH, List.of("a", "b"), new long[] {3, -1}).encode();
        assertThat(StreamCursor.isStreamCursor(position)).isFalse();
        assertThat(StreamCursor.isStreamCursor(cursor)).isTrue();
        assertThatThrownBy(() -> StreamCursor.decode(position)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown version");
        assertThatThrownBy(() -> PositionCodec.decode(cursor)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown version");
    }

    @Example
    void offsetsBelowMinusOneAndMismatchedCountsAreRefused() {
        assertThatThrownBy(() -> StreamCursor.of(EPOCH, List.of("a"), new long[] {-2})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamCursor.of(EPOCH, List.of("a", "b"), new long[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamCursor.of(EPOCH, List.of(), new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static long[] offsets(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = random.nextInt(10) == 0 ? -1 : random.nextLong() & Long.MAX_VALUE;
        }
        return offsets;
    }

    @Provide
    Arbitrary<List<String>> channelLists() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcxyz019_.:@/-").ofMinLength(1).ofMaxLength(20)
                .filter(n -> ChannelName.violation(n) == null);
        return names.list().ofMinSize(1).ofMaxSize(20);
    }
}
