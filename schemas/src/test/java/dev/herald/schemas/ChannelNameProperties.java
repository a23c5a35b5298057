package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ChannelNameProperties {

    private static final String ALLOWED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@/-";

    @Property
    void namesFollowingTheRulesAreValid(@ForAll("validNames") String name) {
        assertThat(ChannelName.violation(name)).isNull();
        assertThat(ChannelName.requireValid(name)).isSameAs(name);
    }

    @Property
    void aForbiddenCharacterAnywhereIsRefusedWithItsIndex(@ForAll("validNames") String name,
                                                           @ForAll("forbiddenChars") char bad) {
        int at = name.length() / 2;
        String broken = name.substring(0, at) + bad + name.substring(at);
        assertThat(ChannelName.violation(broken)).contains("at index " + at);
    }

    @Property
    void agreesWithTheRulesOnArbitraryStrings(@ForAll String any) {
        boolean expected = !any.isEmpty() && any.length() <= 255 && any.chars().allMatch(c -> ALLOWED.indexOf(c) >= 0)
                && !any.startsWith("/") && !any.contains("..");
        assertThat(ChannelName.isValid(any)).isEqualTo(expected);
    }

    @Example
    void eachRuleHasItsOwnMessage() {
        assertThat(ChannelName.violation("")).isEqualTo("channel name is empty");
        assertThat(ChannelName.violation("a".repeat(256))).contains("256 characters long");
        assertThat(ChannelName.violation("/a")).contains("must not start with '/'");
        assertThat(ChannelName.violation("a/../b")).contains("'..'");
        assertThat(ChannelName.violation("a b")).contains("U+0020");
        assertThat(ChannelName.isValid("a".repeat(255))).isTrue();
        assertThat(ChannelName.isValid("chat:room-1/user@host.example_2")).isTrue();
        assertThatThrownBy(() -> ChannelName.requireValid("a b")).isInstanceOf(InvalidInputException.class);
    }

    @Provide
    Arbitrary<String> validNames() {
        return Arbitraries.strings().withChars(ALLOWED.toCharArray()).ofMinLength(1).ofMaxLength(200)
                .filter(s -> !s.startsWith("/") && !s.contains(".."));
    }

    @Provide
    Arbitrary<Character> forbiddenChars() {
        return Arbitraries.chars().filter(c -> ALLOWED.indexOf(c) < 0);
    }
}
