package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Whole server frames: the header of each payload size class, and live frames made once and shared. */
class WsFramesTest {

    @Test
    void aFrameHoldsTheHeaderOfItsLengthThenThePayload() {
        for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
            byte[] payload = new byte[length];
            Arrays.fill(payload, (byte) 'x');
            ByteBuffer frame = WsFrames.frame(WsFrameParser.TEXT, payload);
            int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
            assertThat(frame.remaining()).as("frame of %d bytes", length).isEqualTo(header + length);
            assertThat(frame.get(0) & 0xFF).isEqualTo(0x80 | WsFrameParser.TEXT);
            long declared = switch (header) {
                case 2 -> frame.get(1);
                case 4 -> {
                    assertThat(frame.get(1) & 0xFF).isEqualTo(126);
                    yield frame.getShort(2) & 0xFFFF;
                }
                default -> {
                    assertThat(frame.get(1) & 0xFF).isEqualTo(127);
                    yield frame.getLong(2);
                }
            };
            assertThat(declared).isEqualTo(length);
            byte[] body = new byte[length];
            frame.duplicate().position(header).get(body);
            assertThat(body).isEqualTo(payload);
        }
    }

    @Test
    void aLiveFrameIsMadeOncePerPayloadAndNeverMovedBySharing() {
        byte[] first = "{\"op\":\"event\",\"n\":1}".getBytes();
        byte[] second = "{\"op\":\"event\",\"n\":2}".getBytes();
        ByteBuffer shared = WsFrames.sharedText(first);
        assertThat(WsFrames.sharedText(first)).isSameAs(shared);
        ByteBuffer view = shared.duplicate();
        view.position(view.limit());
        assertThat(shared.position()).isZero();
        assertThat(shared.remaining()).isEqualTo(2 + first.length);

        ByteBuffer next = WsFrames.sharedText(second);
        assertThat(next).isNotSameAs(shared);
        assertThat(next.get(next.limit() - 2)).isEqualTo((byte) '2');
    }
}
