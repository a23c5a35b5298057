package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.WsTestClient;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** {@code "mode":"latest"} against a real broker: a stalled reader of a flooded channel is conflated, not closed. */
class EdgeConflationTest extends LogBackedTest {

    private static final String PAYLOAD = "{\"pad\":\"" + "x".repeat(1000) + "\",\"n\":%d}";

    @Test
    void aStalledModeLatestSubscriberIsNotClosedHoldsTwoFramesAndGetsTheNewestWhileAPlainOneBesideItIsClosedWith4008()
            throws Exception {
        String topic = log.topic();
        // a small count bound, so that the plain subscriber overflows soon after the sockets' buffers are full
        try (EdgeServer edge = log.edge(topic, Map.of("queue.max.events", "256"));
             WsTestClient latest = WsTestClient.connectNotReading(edge.webSocketUrl());
             WsTestClient plain = WsTestClient.connectNotReading(edge.webSocketUrl())) {
            latest.send("{\"op\":\"subscribe\",\"channel\":\"flood\",\"mode\":\"latest\"}");
            plain.send("{\"op\":\"subscribe\",\"channel\":\"flood\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> edge.registry().get("herald.edge.subscriptions").gauge().value() == 2);

            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            while ((counter(edge, "herald.edge.slow.consumer.closes") < 1 || counter(edge, "herald.edge.conflated") < 1_000)
                    && sent < 60_000 && System.nanoTime() < deadline) {
                acks.add(log.producer().send(LogFixture.record(topic, "flood", String.format(PAYLOAD, sent))));
                sent++;
                if (sent % 100 == 0) {
                    Thread.sleep(20); // about 5,000 events/s
                }
            }
            for (Future<RecordMetadata> a : acks) {
                a.get();
            }
            assertThat(counter(edge, "herald.edge.slow.consumer.closes")).as("the plain subscriber overflowed").isEqualTo(1.0);
            assertThat(counter(edge, "herald.edge.conflated")).as("events replaced while the stalled reader was behind").isGreaterThan(0);

            plain.resumeReading();
            assertThat(plain.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(4008);
            await().atMost(Duration.ofSeconds(30)).until(() -> edge.connections() == 1);
            // bounded: the conflated connection holds one frame being written and one waiting, whatever was published
            double queued = edge.registry().get("herald.edge.queue").gauge().value();
            assertThat(queued).isLessThanOrEqualTo(2 * (String.format(PAYLOAD, sent).length() + 400));

            int last = sent - 1;
            latest.resumeReading();
            List<Integer> got = new ArrayList<>();
            JsonNode frame = latest.next();
            assertThat(frame.get("op").asText()).isEqualTo("subscribed");
            while (got.isEmpty() || got.get(got.size() - 1) != last) {
                frame = latest.next();
                got.add(frame.at("/data/n").asInt());
            }
            assertThat(got).as("in order, each once, ending with the newest").isSorted().doesNotHaveDuplicates();
            assertThat(got.size()).as("older events were conflated away").isLessThan(sent);
            assertThat(latest.poll(300)).isNull();
            assertThat(latest.closeCode()).isNotDone();
            assertThat(counter(edge, "herald.edge.slow.consumer.closes")).as("only the plain one").isEqualTo(1.0);

            // live again: the next event comes at once
            log.publish(topic, "flood", String.format(PAYLOAD, sent));
            assertThat(latest.next().at("/data/n").asInt()).isEqualTo(sent);
        }
    }

    private static double counter(EdgeServer edge, String name) {
        return edge.registry().get(name).counter().count();
    }
}
