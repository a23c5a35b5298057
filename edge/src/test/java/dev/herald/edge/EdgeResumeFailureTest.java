package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resume that cannot read what it missed: told so, and counted, not answered in silence. */
class EdgeResumeFailureTest {

    @TempDir
    Path dir;

    /**
     * Regression: an exception while reading a resume's missed events became
     * {@code history-unavailable} without a log line or a count; now it is logged and counted as
     * {@code herald_edge_resumes_total{result="failed"}}.
     */
    @Test
    void aResumeThatCannotReadTheLogAnswersHistoryUnavailableAndIsCounted() throws Exception {
        LogFixture log = new LogFixture(dir);
        try {
            String topic = log.topic();
            try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "5"))) {
                List<String> positions = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    positions.add(log.publish(topic, "room", "{\"n\":" + i + "}"));
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> edge.registry().get("herald.edge.consumed").tag("result", "delivered").counter().count() >= 20);
                log.close(); // the broker goes away: a resume older than the local history cannot read the log
                try (WsTestClient client = WsTestClient.connect(edge.webSocketUrl())) {
                    client.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + positions.get(0) + "\"}");
                    JsonNode subscribed = client.next();
                    assertThat(subscribed.get("recovered").asBoolean()).isFalse();
                    assertThat(subscribed.get("reason").asText()).isEqualTo("history-unavailable");
                    assertThat(edge.registry().get("herald.edge.resumes").tag("result", "failed").counter().count()).isEqualTo(1);
                    // a resume the local history holds needs no broker
                    client.send("{\"op\":\"unsubscribe\",\"channel\":\"room\"}");
                    client.send("{\"op\":\"subscribe\",\"channel\":\"room\",\"since\":\"" + positions.get(17) + "\"}");
                    assertThat(client.next().get("recovered").asBoolean()).isTrue();
                    assertThat(client.next(2)).extracting(e -> e.at("/data/n").asInt()).containsExactly(18, 19);
                }
            }
        } finally {
            log.close();
        }
    }
}
