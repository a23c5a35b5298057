package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RetainedEventCodecProperties {

    @Property
    void everyRetainedEventRoundTrips(@ForAll("retained") RetainedEvent retained) {
        RetainedEvent back = RetainedEventCodec.decode(RetainedEventCodec.encode(retained));
        assertThat(back.event()).usingRecursiveComparison().isEqualTo(retained.event());
        assertThat(back.position()).isEqualTo(retained.position());
    }

    @Property
    void aChangedOrCutValueDecodesOrFailsOnlyAsMalformed(@ForAll("retained") RetainedEvent retained,
                                                         @ForAll @IntRange(min = 0, max = 10_000) int index,
                                                         @ForAll @IntRange(min = 1, max = 255) int flip,
                                                         @ForAll boolean cut) {
        byte[] value = RetainedEventCodec.encode(retained);
        int at = index % value.length;
        byte[] mutated = cut ? java.util.Arrays.copyOf(value, at) : value.clone();
        if (!cut) {
            mutated[at] ^= (byte) flip;
        }
        Throwable thrown = catchThrowable(() -> RetainedEventCodec.decode(mutated));
        assertThat(thrown).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(MalformedRecordException.class));
    }

    @Property
    void garbageFailsOnlyAsMalformed(@ForAll byte[] garbage) {
        Throwable thrown = catchThrowable(() -> RetainedEventCodec.decode(garbage));
        assertThat(thrown).isInstanceOf(MalformedRecordException.class);
    }

    @Provide
    Arbitrary<RetainedEvent> retained() {
        Arbitrary<String> channels = Arbitraries.strings().withChars("abcXYZ09_.:@-").ofMinLength(1).ofMaxLength(40)
                .filter(c -> ChannelName.violation(c) == null);
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(EventId.MAX_LENGTH);
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(60);
        Arbitrary<Instant> times = Arbitraries.longs().between(0, 4_102_444_800L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
        Arbitrary<String> contentTypes = Arbitraries.of("application/json", "text/plain; charset=utf-8", "").map(t -> t.isEmpty() ? null : t);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Event> events = Combinators.combine(ids, channels, text, text, times, contentTypes, payloads).as(Event::new);
        Arbitrary<Position> positions = Combinators.combine(Arbitraries.integers().between(1, Epoch.MAX_PARTITIONS),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                .flatAs((partitions, offset) -> Arbitraries.integers().between(0, partitions - 1)
                        .map(p -> new Position(new Epoch(UUID.randomUUID(), partitions), p, offset)));
        return Combinators.combine(events, positions).as(RetainedEvent::new);
    }
}
