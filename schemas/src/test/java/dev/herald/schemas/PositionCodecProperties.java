package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class PositionCodecProperties {

    @Property
    void everyPositionRoundTrips(@ForAll("positions") Position position) {
        assertThat(PositionCodec.decode(PositionCodec.encode(position))).isEqualTo(position);
    }

    @Property
    void tokensAreUrlSafeAndOfFixedLength(@ForAll("positions") Position position) {
        assertThat(PositionCodec.encode(position)).matches("[A-Za-z0-9_-]{47}");
    }

    @Property
    void changingOneCharacterIsDetected(@ForAll("positions") Position position,
                                        @ForAll @IntRange(min = 0, max = 46) int index,
                                        @ForAll @IntRange(min = 1, max = 63) int shift) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char[] token = PositionCodec.encode(position).toCharArray();
        token[index] = alphabet.charAt((alphabet.indexOf(token[index]) + shift) % 64);
        String mutated = new String(token);

        Throwable thrown = catchThrowable(() -> PositionCodec.decode(mutated));

        // The last character carries 2 padding bits base64url ignores; a change there may decode to the same bytes.
        if (thrown == null) {
            assertThat(PositionCodec.decode(mutated)).isEqualTo(position);
            assertThat(index).isEqualTo(46);
        } else {
            assertThat(thrown).isInstanceOf(InvalidInputException.class).hasMessageStartingWith("position is not");
        }
    }

    @Property
    void garbageFailsOnlyWithAClearMessage(@ForAll String garbage) {
        Throwable thrown = catchThrowable(() -> PositionCodec.decode(garbage));
        assertThat(thrown).isInstanceOf(InvalidInputException.class);
        assertThat(thrown.getMessage()).startsWith("position ");
    }

    @Example
    void emptyAndNullAreRefused() {
        assertThatThrownBy(() -> PositionCodec.decode("")).isInstanceOf(InvalidInputException.class).hasMessage("position is empty");
        assertThatThrownBy(() -> PositionCodec.decode(null)).isInstanceOf(InvalidInputException.class).hasMessage("position is empty");
    }

    @Example
    void aTruncatedTokenNamesTheWrongLength() {
        String token = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), 6), 3, 42));
        assertThatThrownBy(() -> PositionCodec.decode(token.substring(0, 40)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("wrong length");
    }

    @Provide
    Arbitrary<Position> positions() {
        Arbitrary<UUID> topics = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        return Combinators.combine(topics, Arbitraries.integers().between(1, Epoch.MAX_PARTITIONS),
                        Arbitraries.doubles().between(0, 1), Arbitraries.longs().between(-1, Long.MAX_VALUE))
                .as((topic, partitions, where, offset) -> new Position(new Epoch(topic, partitions),
                        (int) Math.min(partitions - 1, Math.floor(where * partitions)), offset));
    }
}
