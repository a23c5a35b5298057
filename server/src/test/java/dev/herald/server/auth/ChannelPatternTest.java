package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.schemas.InvalidInputException;
import org.junit.jupiter.api.Test;

class ChannelPatternTest {

    @Test
    void aNameMatchesItselfAndAPrefixEverythingThatStartsWithIt() {
        assertThat(ChannelPattern.parse("demo").matches("demo", null)).isTrue();
        assertThat(ChannelPattern.parse("demo").matches("demo2", null)).isFalse();
        assertThat(ChannelPattern.parse("demo*").matches("demo", null)).isTrue();
        assertThat(ChannelPattern.parse("demo*").matches("demo.room", null)).isTrue();
        assertThat(ChannelPattern.parse("demo*").matches("other", null)).isFalse();
        assertThat(ChannelPattern.parse("*").matches("anything", null)).isTrue();
    }

    @Test
    void subStandsForTheSubjectAndOnlyAPlainSubjectFillsIt() {
        ChannelPattern own = ChannelPattern.parse("user.{sub}.*");
        assertThat(own.matches("user.alice.inbox", "alice")).isTrue();
        assertThat(own.matches("user.bob.inbox", "alice")).isFalse();
        assertThat(own.matches("user.alice.inbox", null)).as("no subject, no match").isFalse();
        assertThat(own.matches("user.alice.private.x", "alice.private")).as("a separator in the subject").isFalse();
        assertThat(own.matches("user.*.x", "*")).isFalse();
        assertThat(ChannelPattern.parse("dm:{sub}").matches("dm:auth0-123", "auth0-123")).isTrue();
        assertThat(ChannelPattern.parse("dm:{sub}").matches("dm:auth0|123", "auth0|123")).isFalse();
    }

    @Test
    void aPatternThatCanMatchNoChannelIsRefusedWithWhy() {
        assertThatThrownBy(() -> ChannelPattern.parse("")).isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ChannelPattern.parse("a*b")).hasMessageContaining("'*' before its end");
        assertThatThrownBy(() -> ChannelPattern.parse("bad channel*")).hasMessageContaining("can match no channel");
        assertThatThrownBy(() -> ChannelPattern.parse("a..b")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> ChannelPattern.parse("user.{subject}")).hasMessageContaining("can match no channel");
    }
}
