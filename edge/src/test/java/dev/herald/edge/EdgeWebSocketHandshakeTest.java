package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The opening and closing handshakes and protocol errors, on a raw socket, byte for byte. */
class EdgeWebSocketHandshakeTest extends LogBackedTest {

    /** The sample key of RFC 6455 section 1.3, and the accept value the RFC gives for it. */
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    @Test
    void requestsThatAreNotAVersion13UpgradeGetAProblemAndAGoodOneGetsTheRfcAcceptKey() throws Exception {
        try (EdgeServer edge = log.edge(log.topic(), Map.of())) {
            String plain = exchange(edge, "GET /v1/ws HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(plain).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("not-a-websocket-upgrade");

            String oldVersion = exchange(edge, upgrade("8"));
            assertThat(oldVersion).startsWith("HTTP/1.1 426").containsIgnoringCase("Sec-WebSocket-Version: 13");

            try (Socket s = open(edge)) {
                String head = head(s, upgrade("13"));
                assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Accept: " + RFC_ACCEPT);
            }
        }
    }

    @Test
    void anUnmaskedClientFrameIsAProtocolErrorClosedWith1002AndAClientCloseIsEchoed() throws Exception {
        try (EdgeServer edge = log.edge(log.topic(), Map.of())) {
            try (Socket s = open(edge)) {
                head(s, upgrade("13"));
                s.getOutputStream().write(new byte[] {(byte) 0x81, 0x02, '{', '}'});
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(in.readUnsignedByte()).as("FIN + close").isEqualTo(0x88);
                int length = in.readUnsignedByte();
                assertThat(in.readUnsignedShort()).isEqualTo(1002);
                in.skipNBytes(length - 2);
                assertThat(in.read()).as("then the edge hangs up").isEqualTo(-1);
            }
            try (Socket s = open(edge)) {
                head(s, upgrade("13"));
                byte[] mask = {1, 2, 3, 4};
                byte[] payload = {0x03, (byte) 0xE8};
                s.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
                        (byte) (payload[0] ^ mask[0]), (byte) (payload[1] ^ mask[1])});
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(in.readUnsignedByte()).isEqualTo(0x88);
                assertThat(in.readUnsignedByte()).isEqualTo(2);
                assertThat(in.readUnsignedShort()).as("the client's code, echoed").isEqualTo(1000);
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    private static String upgrade(String version) {
        return "GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: "
                + RFC_KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
    }

    private static Socket open(EdgeServer edge) throws IOException {
        Socket s = new Socket("127.0.0.1", edge.port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends a request on a new connection and reads the whole answer (the edge closes after it, or the body ends). */
    private static String exchange(EdgeServer edge, String request) throws IOException {
        try (Socket s = open(edge)) {
            String head = head(s, request);
            int at = head.toLowerCase().indexOf("content-length:");
            int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
            return head + new String(s.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code request} and reads the answer's head, up to the blank line, leaving the rest unread. */
    private static String head(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
