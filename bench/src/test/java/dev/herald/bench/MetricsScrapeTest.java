package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

    private static final String TEXT = """
            # HELP herald_ephemeral_sent_total Datagrams sent
            # TYPE herald_ephemeral_sent_total counter
            herald_ephemeral_sent_total{result="sent"} 1200.0
            herald_ephemeral_sent_total{result="too_large"} 3.0
            herald_ephemeral_dropped_total{reason="replayed"} 2.0
            herald_ephemeral_dropped_total{reason="bad-signature"} 5.0
            herald_ephemeral_received_total 1190.0
            herald_edge_handoff_backlog 0.0
            """;

    @Test
    void readsSeriesByNameAndLabelsAndSumsAMetricOverItsLabels() {
        MetricsScrape m = MetricsScrape.parse(TEXT);
        assertThat(m.get("herald_ephemeral_sent_total{result=\"sent\"}")).isEqualTo(1200.0);
        assertThat(m.get("herald_ephemeral_received_total")).isEqualTo(1190.0);
        assertThat(m.sum("herald_ephemeral_dropped_total")).isEqualTo(7.0);
    }

    @Test
    void aSeriesTheServerDoesNotPrintIsAnErrorNotZero() {
        MetricsScrape m = MetricsScrape.parse(TEXT);
        assertThatThrownBy(() -> m.get("herald_ephemeral_lost_total")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("herald_ephemeral_lost_total");
        assertThatThrownBy(() -> m.get("herald_ephemeral_sent_total{result=\"failed\"}")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.sum("herald_ephemeral_sent")).as("a name's prefix is another metric")
                .isInstanceOf(IllegalStateException.class);
    }
}
