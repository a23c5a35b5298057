package dev.herald.lane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SenderWindowTest {

    @Test
    void aSequenceIsAcceptedOnceAndLateOnesWithinTheWindowCount() {
        SenderWindow w = new SenderWindow();
        assertThat(w.accept(100, 0)).isTrue();
        assertThat(w.accept(100, 0)).as("replayed").isFalse();
        assertThat(w.accept(102, 0)).isTrue();
        assertThat(w.accept(101, 0)).as("late but new").isTrue();
        assertThat(w.accept(101, 0)).isFalse();
        assertThat(w.accept(99, 0)).as("before the first heard: cannot tell, refused").isFalse();
        assertThat(w.lost()).isZero();
    }

    @Test
    void gapsCountAsLostOnceTheyLeaveTheWindow() {
        SenderWindow w = new SenderWindow();
        w.accept(0, 0);
        w.accept(5, 0); // 1..4 missing, still in the window
        assertThat(w.lost()).isZero();
        w.accept(3, 0); // one of them arrives late
        w.accept(5 + SenderWindow.WINDOW, 0); // 1, 2 and 4 leave the window unseen; 6..68 are still in it
        assertThat(w.lost()).isEqualTo(3);
        w.accept(5 + 2 * SenderWindow.WINDOW, 0); // now 6..68 leave it unseen too
        assertThat(w.lost()).isEqualTo(3 + SenderWindow.WINDOW - 1);
    }

    @Test
    void aJumpFarAheadCountsEverythingSkipped() {
        SenderWindow w = new SenderWindow();
        w.accept(0, 0);
        w.accept(1_000, 0);
        w.accept(1_000 + SenderWindow.WINDOW, 0);
        assertThat(w.lost()).as("1..999 left the window unseen").isEqualTo(999);
        assertThat(w.accept(1_000, 0)).as("fell out of the window: too old to tell").isFalse();
    }
}
