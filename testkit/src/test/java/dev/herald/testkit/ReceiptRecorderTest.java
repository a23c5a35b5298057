package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.testkit.DeliveryReport.Lost;
import org.junit.jupiter.api.Test;

class ReceiptRecorderTest {

    private static final Epoch EPOCH = new Epoch(UUID.randomUUID(), 4);

    private final DeliveryLedger ledger = new DeliveryLedger();
    private final ReceiptRecorder recorder = new ReceiptRecorder(ledger, "alice", "alice-1");

    @Test
    void aLiveSubscribeStartsAfterTheAnswersPositionAndEventsAreReceiptsAtTheirOffsets() {
        ledger.acknowledged("room", "old", 2, 7);
        recorder.onFrame(Json.parse("{\"op\":\"subscribed\",\"channel\":\"room\",\"position\":\"" + at(7) + "\",\"recovered\":true}"));
        ledger.acknowledged("room", "e8", 2, 8);
        ledger.acknowledged("room", "e9", 2, 9);
        recorder.onFrame(event("e8", 8, false));

        DeliveryReport report = ledger.report();

        assertThat(report.receipts()).isOne();
        assertThat(report.lost()).containsExactly(new Lost("alice", "room", "e9", 2, 9));
    }

    @Test
    void aSubscribeWithSinceStartsAfterTheSincePositionNotTheAnswers() {
        ledger.acknowledged("room", "e3", 2, 3);
        ledger.acknowledged("room", "e4", 2, 4);
        recorder.onSent(Json.parse("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + at(2) + "\"}"));
        recorder.onFrame(Json.parse("{\"op\":\"subscribed\",\"channel\":\"room\",\"position\":\"" + at(4) + "\",\"recovered\":true}"));
        recorder.onFrame(event("e4", 4, false));

        assertThat(ledger.report().lost()).containsExactly(new Lost("alice", "room", "e3", 2, 3));
    }

    @Test
    void replayedFramesAreMarkedAndEphemeralOnesIgnored() {
        recorder.onFrame(Json.parse("{\"op\":\"subscribed\",\"channel\":\"room\",\"position\":\"" + at(0) + "\",\"recovered\":true}"));
        recorder.onFrame(event("e1", 1, false));
        recorder.onFrame(event("e1", 1, true));
        recorder.onFrame(Json.parse("{\"op\":\"event\",\"channel\":\"room\",\"id\":\"x\",\"durability\":\"ephemeral\",\"data\":1}"));

        DeliveryReport report = ledger.report();

        assertThat(report.receipts()).isEqualTo(2);
        assertThat(report.duplicates()).as("the replayed copy is not a duplicate").isEmpty();
    }

    private static JsonNode event(String id, long offset, boolean replayed) {
        return Json.parse("{\"op\":\"event\",\"channel\":\"room\",\"id\":\"" + id + "\",\"position\":\"" + at(offset)
                + "\",\"ts\":1,\"data\":{}" + (replayed ? ",\"replayed\":true" : "") + "}");
    }

    private static String at(long offset) {
        return PositionCodec.encode(new Position(EPOCH, 2, offset));
    }
}
