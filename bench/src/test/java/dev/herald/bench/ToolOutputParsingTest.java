package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ToolOutputParsingTest {

    @Test
    void producerPerformanceTakesTheLastSummaryLine() {
        String output = """
                5000 records sent, 1000.0 records/sec (0.98 MB/sec), 5.0 ms avg latency, 129.0 ms max latency.
                15000 records sent, 999.7 records/sec (0.98 MB/sec), 2.68 ms avg latency, 129.00 ms max latency, 1 ms 50th, 3 ms 95th, 52 ms 99th, 119 ms 99.9th.
                === herald-bench: measured run ===
                5002 records sent, 1000.4 records/sec (0.98 MB/sec), 1.6 ms avg latency, 19.0 ms max latency.
                15000 records sent, 999.8 records/sec (0.98 MB/sec), 1.53 ms avg latency, 25.00 ms max latency, 1 ms 50th, 2 ms 95th, 6 ms 99th, 14 ms 99.9th.
                """;

        ProducerPerfResult result = ProducerPerfResult.parse(output);

        assertThat(result).isEqualTo(new ProducerPerfResult(15_000, 999.8, 0.98, 1.53, 25.0, 1, 2, 6, 14));
    }

    @Test
    void producerPerformanceWithoutSummaryIsAnError() {
        assertThatThrownBy(() -> ProducerPerfResult.parse("5000 records sent, 1000.0 records/sec (0.98 MB/sec), "
                + "5.0 ms avg latency, 129.0 ms max latency.\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ProducerPerformance summary");
    }

    /** The replay bench compares with the rate after the group join, since the replay joins no group. */
    @Test
    void consumerPerformanceReadsTheRateWithAndWithoutItsGroupJoin() {
        String output = """
                [2026-12-01 15:15:01,123] WARN some consumer log line (org.apache.kafka.clients.NetworkClient)
                start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                2026-12-01 15:15:02:000, 2026-12-01 15:15:04:300, 292.9688, 127.3777, 300000, 130434.7826, 655, 1645, 178.1573, 182370.8207
                """;

        assertThat(ConsumerPerfResult.parse(output)).isEqualTo(new ConsumerPerfResult(300_000, 130434.7826, 127.3777, 655, 182370.8207));
    }

    @Test
    void consumerPerformanceWithoutItsFetchColumnsCountsTheJoinAsReading() {
        String output = "2026-12-01 15:15:02:000, 2026-12-01 15:15:04:300, 292.9688, 127.3777, 300000, 130434.7826\n";

        assertThat(ConsumerPerfResult.parse(output)).isEqualTo(new ConsumerPerfResult(300_000, 130434.7826, 127.3777, 0, 130434.7826));
    }

    @Test
    void endToEndLatencyReadsAverageAndPercentiles() {
        String output = "0\t12.3\n1000\t0.8\nAvg latency: 0.9123 ms\nPercentiles: 50th = 0, 99th = 6, 99.9th = 13\n";

        assertThat(EndToEndResult.parse(output)).isEqualTo(new EndToEndResult(0.9123, 0, 6, 13));
    }

    @Test
    void batchAnswerCountsOnlyCreatedLines() {
        String answer = """
                {"line":1,"status":201,"id":"a","channel":"bench-0","position":"p","partition":0,"offset":1}
                {"line":2,"status":400,"problem":{"status":400,"title":"bad"}}
                {"line":3, "status" : 201}
                {"line":4,"status":503,"problem":{"status":201}}
                """;

        assertThat(BatchPublishLoad.countCreated(answer)).isEqualTo(2);
        assertThat(BatchPublishLoad.countCreated("")).isZero();
    }

    @Test
    void payloadsAreOneKibibyteOfJson() {
        assertThat(BenchPayloads.eventPayload()).hasSize(BenchPayloads.EVENT_BYTES);
        String batch = new String(BenchPayloads.ndjsonBatch(3), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(batch.split("\n")).hasSize(3);
        assertThat(batch).startsWith("{\"channel\":\"bench-0\",\"data\":{\"p\":\"abc").contains("\"bench-2\"");
        assertThat(BenchPayloads.channel(64)).isEqualTo("bench-0");
    }
}
