package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.SseTestClient.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SSE client against a canned stream on loopback: parsed as the EventSource specification says, and recorded. */
class SseTestClientTest {

    private static final Epoch EPOCH = new Epoch(UUID.randomUUID(), 1);

    private HttpServer server;
    private volatile String stream = "";
    private volatile String lastEventIdSent;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/sse", ex -> {
            lastEventIdSent = ex.getRequestHeaders().getFirst("Last-Event-ID");
            byte[] body = stream.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fieldsCommentsAndMultiLineDataAreParsedAsABrowserDoesAndTheLastIdIsKept() throws Exception {
        stream = ": a comment\n"
                + "event: ping\ndata: one\n\n"
                + "id: cursor-1\ndata: first line\ndata:second line\n\n"
                + "id: cursor-2\n\n" // an id with no data moves the cursor and dispatches nothing
                + "data: third\n\n";
        try (SseTestClient sse = SseTestClient.connect(url(), "cursor-0")) {
            assertThat(sse.next()).isEqualTo(new SseEvent("ping", "", "one"));
            assertThat(sse.next()).isEqualTo(new SseEvent("message", "cursor-1", "first line\nsecond line"));
            assertThat(sse.next()).isEqualTo(new SseEvent("message", "cursor-2", "third"));
            sse.ended().get(10, TimeUnit.SECONDS);
            assertThat(sse.lastEventId()).isEqualTo("cursor-2");
            assertThat(sse.status()).isEqualTo(200);
        }
        assertThat(lastEventIdSent).as("sent as the Last-Event-ID header").isEqualTo("cursor-0");
    }

    @Test
    void framesOnTheStreamAreRecordedIntoTheLedger() throws Exception {
        DeliveryLedger ledger = new DeliveryLedger();
        ledger.acknowledged("room", "e1", 0, 1);
        ledger.acknowledged("room", "e2", 0, 2);
        stream = "data: {\"op\":\"subscribed\",\"channel\":\"room\",\"position\":\"" + at(0) + "\",\"recovered\":true}\n\n"
                + "id: c1\ndata: {\"op\":\"event\",\"channel\":\"room\",\"id\":\"e1\",\"position\":\"" + at(1) + "\",\"ts\":1,\"data\":{}}\n\n";
        try (SseTestClient sse = SseTestClient.connect(url(), null, new ReceiptRecorder(ledger, "alice", "alice-sse-1"))) {
            sse.next(2);
        }

        DeliveryReport report = ledger.report();

        assertThat(report.receipts()).isOne();
        assertThat(report.lost()).containsExactly(new DeliveryReport.Lost("alice", "room", "e2", 0, 2));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/sse?channel=room";
    }

    private static String at(long offset) {
        return PositionCodec.encode(new Position(EPOCH, 0, offset));
    }
}
