package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientFrameTest {

    @Test
    void aFrameGivesItsOpRefAndFields() {
        ClientFrame f = ClientFrame.parse("{\"op\":\"subscribe\",\"ref\":7,\"channel\":\"a\",\"since\":null}");
        assertThat(f.op()).isEqualTo(ClientFrame.Op.SUBSCRIBE);
        assertThat(f.ref()).isEqualTo(7);
        assertThat(f.text("channel")).isEqualTo("a");
        assertThat(f.text("since")).isNull();
        assertThat(ClientFrame.parse("{\"op\":\"auth\",\"ref\":\"r1\",\"token\":\"t\"}").ref()).isEqualTo("r1");
    }

    @Test
    void whatIsNotAFrameSaysWhyAndKeepsTheRef() {
        assertThatThrownBy(() -> ClientFrame.parse("nope")).isInstanceOf(ClientFrame.Invalid.class).hasMessage("frame is not JSON");
        assertThatThrownBy(() -> ClientFrame.parse("[1]")).hasMessage("frame is not a JSON object");
        assertThatThrownBy(() -> ClientFrame.parse("{\"op\":\"dance\",\"ref\":3}"))
                .isInstanceOfSatisfying(ClientFrame.Invalid.class, e -> assertThat(e.ref()).isEqualTo(3))
                .hasMessageContaining("unknown op 'dance'");
        assertThatThrownBy(() -> ClientFrame.parse("{\"op\":\"SUBSCRIBE\"}")).isInstanceOf(ClientFrame.Invalid.class);
    }
}
