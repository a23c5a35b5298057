package dev.herald.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuorumVotersTest {

    @Test
    void readsEveryVoterAndGivesTheTextBack() {
        QuorumVoters voters = QuorumVoters.parse("1@127.0.0.1:19093, 2@127.0.0.1:29093,3@127.0.0.1:39093");

        assertThat(voters.size()).isEqualTo(3);
        assertThat(voters.controllerPort(2)).isEqualTo(29093);
        assertThat(voters).hasToString("1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093");
    }

    @Test
    void refusesWhatIsNotIdAtHostColonPort() {
        for (String bad : new String[] {"", "1@127.0.0.1", "@127.0.0.1:1", "x@127.0.0.1:1", "1@:1", "1@127.0.0.1:0",
                "1@127.0.0.1:65536", "1@127.0.0.1:", "-1@127.0.0.1:9093"}) {
            assertThatThrownBy(() -> QuorumVoters.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesAnIdTwice() {
        assertThatThrownBy(() -> QuorumVoters.parse("1@127.0.0.1:1,1@127.0.0.1:2"))
                .hasMessageContaining("id 1 appears twice");
    }

    @Test
    void aNodeNotAmongTheVotersOrNotOnLoopbackHasNoControllerPort() {
        QuorumVoters voters = QuorumVoters.parse("1@127.0.0.1:19093,2@10.0.0.2:29093");

        assertThatThrownBy(() -> voters.controllerPort(3)).hasMessageContaining("node 3 is not among");
        assertThatThrownBy(() -> voters.controllerPort(2)).hasMessageContaining("not on 127.0.0.1");
    }
}
