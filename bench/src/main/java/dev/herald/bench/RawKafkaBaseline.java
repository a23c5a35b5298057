package dev.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's own producer figures on the benchmark's broker: {@code ProducerPerformance} at full
 * speed and at a fixed rate, and {@code EndToEndLatency}, each in a child JVM (the tools call
 * {@code System.exit}) on a topic of its own.
 *
 * <p>The producer settings match what Herald's ingest uses: {@code acks=all},
 * {@code enable.idempotence=true}, {@code linger.ms=1}, no compression, 1 KiB records.
 */
final class RawKafkaBaseline {

    /** Record size of every raw run, bytes; Herald's benchmark payloads have the same size. */
    static final int RECORD_BYTES = BenchPayloads.EVENT_BYTES;

    private static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
    private static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private final BenchBroker broker;
    private final int partitions;
    private final String runId;

    /**
     * @param partitions partitions of each topic created for a run
     * @param runId      suffix that makes this run's topic names new
     */
    RawKafkaBaseline(BenchBroker broker, int partitions, String runId) {
        this.broker = broker;
        this.partitions = partitions;
        this.runId = runId;
    }

    /** A full-speed {@code ProducerPerformance} run whose figures are dropped: warms the broker up. */
    void warmUp(long records) {
        producerPerformance("bench.raw.warmup." + runId, records, -1);
    }

    /** {@code ProducerPerformance --throughput -1}: as fast as one producer goes. */
    ProducerPerfResult maxThroughput(long records) {
        return producerPerformance("bench.raw.throughput." + runId, records, -1);
    }

    /** {@code ProducerPerformance --throughput rate}: latency of acks=all sends at a steady rate. */
    ProducerPerfResult atRate(long records, int rate) {
        return producerPerformance("bench.raw.rate." + runId, records, rate);
    }

    /**
     * {@code EndToEndLatency} with {@code acks=all}: send one record, wait for its ack, poll it
     * back, then the next.
     */
    EndToEndResult endToEnd(int records) {
        String topic = "bench.raw.e2e." + runId;
        broker.createTopic(topic, partitions);
        List<String> args = List.of(broker.bootstrapServers(), topic, Integer.toString(records), "all",
                Integer.toString(RECORD_BYTES));
        return EndToEndResult.parse(ChildJvm.run(END_TO_END_LATENCY, args, TOOL_TIMEOUT).requireSuccess("EndToEndLatency"));
    }

    private ProducerPerfResult producerPerformance(String topic, long records, int throughput) {
        broker.createTopic(topic, partitions);
        List<String> args = new ArrayList<>(List.of(
                "--topic", topic,
                "--num-records", Long.toString(records),
                "--record-size", Integer.toString(RECORD_BYTES),
                "--throughput", Integer.toString(throughput),
                "--producer-props",
                "bootstrap.servers=" + broker.bootstrapServers(),
                "acks=all",
                "enable.idempotence=true",
                "linger.ms=1",
                "compression.type=none"));
        return ProducerPerfResult.parse(ChildJvm.run(PRODUCER_PERFORMANCE, args, TOOL_TIMEOUT).requireSuccess("ProducerPerformance"));
    }
}
