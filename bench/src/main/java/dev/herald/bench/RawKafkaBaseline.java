package dev.herald.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's own figures on the benchmark's broker: {@code ProducerPerformance} at full
 * speed and at a fixed rate, {@code ConsumerPerformance} reading records back, and
 * {@code EndToEndLatency}, each in a child JVM (the tools call
 * {@code System.exit}) on a new topic of its own.
 *
 * <p>Each {@code ProducerPerformance} run is preceded, in the same child JVM and on the same
 * topic, by a warm-up run whose figures are dropped (see {@link WarmProducerPerformance}), as
 * Herald's figures are taken after a warm-up. {@code EndToEndLatency} exits when done, so it
 * runs once, cold; its first records carry the start-up transient.
 *
 * <p>The producer settings match what Herald's ingest uses: {@code acks=all},
 * {@code enable.idempotence=true}, {@code linger.ms=0} (Herald's default), no compression, 1 KiB records.
 * Not thread-safe.
 */
final class RawKafkaBaseline {

    /** Record size of every raw run, bytes; Herald's benchmark payloads have the same size. */
    static final int RECORD_BYTES = BenchPayloads.EVENT_BYTES;

    private static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";
    private static final String CONSUMER_PERFORMANCE = "org.apache.kafka.tools.ConsumerPerformance";
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

    /**
     * Warms the broker up: {@code rounds} full-speed {@code ProducerPerformance} runs of
     * {@code records} records, each in a new child JVM on the run's warm-up topic, not part of the
     * comparison. A new broker JVM keeps getting faster for its first million or so records (its
     * JIT), so this comes before anything is measured, lest the raw figures meet a colder broker
     * than Herald's, which are taken later.
     *
     * @return each round's records/s, in order, to show how the broker warmed up
     */
    List<Double> warmUpBroker(int rounds, long records) {
        String topic = "bench.warmup." + runId;
        broker.createTopic(topic, partitions);
        List<Double> recordsPerSec = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double rate = run(topic, 0, records, -1).recordsPerSec();
            recordsPerSec.add(rate);
            BenchMain.progress("warm-up %d/%d: ProducerPerformance --throughput -1, %,d records: %,.0f records/s (not reported)",
                    round, rounds, records, rate);
        }
        return recordsPerSec;
    }

    /**
     * {@code ProducerPerformance --throughput -1}: as fast as one producer goes.
     *
     * @param warmupRecords records of the warm-up run before it, not reported
     */
    ProducerPerfResult maxThroughput(long warmupRecords, long records) {
        return producerPerformance("bench.raw.throughput." + runId, warmupRecords, records, -1);
    }

    /**
     * {@code ProducerPerformance --throughput -1} of {@code records} records to a new topic, then
     * {@code ConsumerPerformance} reading them all back with one consumer: the log's write and
     * read rates, side by side.
     */
    ConsumerPerfResult readBack(long records) {
        String topic = "bench.raw.read." + runId;
        producerPerformance(topic, 0, records, -1);
        return consumerPerformance(topic, records, "bench.raw.read." + runId);
    }

    /**
     * {@code ConsumerPerformance} reading the first {@code records} records of an existing
     * {@code topic} with one consumer of the new group {@code group}.
     */
    ConsumerPerfResult consumerPerformance(String topic, long records, String group) {
        List<String> args = List.of("--bootstrap-server", broker.bootstrapServers(), "--topic", topic, "--messages",
                Long.toString(records), "--timeout", "60000", "--group", group);
        return ConsumerPerfResult.parse(ChildJvm.run(CONSUMER_PERFORMANCE, args, TOOL_TIMEOUT).requireSuccess("ConsumerPerformance"));
    }

    /**
     * {@code ProducerPerformance --throughput rate}: latency of acks=all sends at a steady rate.
     *
     * @param warmupRecords records of the warm-up run before it, at the same rate, not reported
     */
    ProducerPerfResult atRate(long warmupRecords, long records, int rate) {
        return producerPerformance("bench.raw.rate." + runId, warmupRecords, records, rate);
    }

    /**
     * How the broker warmed up, and {@code EndToEndLatency} on the warm broker: the floor a fanout
     * benchmark sets Herald beside.
     */
    record Floor(List<Double> brokerWarmup, EndToEndResult endToEnd) {
    }

    /**
     * Warms the broker up ({@link #warmUpBroker}), then runs {@code EndToEndLatency} with
     * {@code records} records of {@code recordBytes} bytes, its other CPU load logged in
     * {@code interference}.
     */
    Floor warmThenEndToEnd(int warmupRounds, long warmupRecords, int records, int recordBytes, InterferenceLog interference)
            throws IOException, InterruptedException {
        List<Double> warmup = warmUpBroker(warmupRounds, warmupRecords);
        BenchMain.progress("raw: EndToEndLatency, %,d records of %d bytes", records, recordBytes);
        EndToEndResult e2e = interference.measure("EndToEndLatency", () -> endToEnd(records, recordBytes));
        BenchMain.progress("     p50 %d ms, p99 %d ms, p99.9 %d ms", e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms());
        return new Floor(warmup, e2e);
    }

    /**
     * {@code EndToEndLatency} with {@code acks=all}: send one record, wait for its ack, poll it
     * back, then the next.
     */
    EndToEndResult endToEnd(int records) {
        return endToEnd(records, RECORD_BYTES);
    }

    /** {@link #endToEnd(int)} with records of {@code recordBytes} bytes. */
    EndToEndResult endToEnd(int records, int recordBytes) {
        String topic = "bench.raw.e2e." + runId;
        broker.createTopic(topic, partitions);
        List<String> args = List.of(broker.bootstrapServers(), topic, Integer.toString(records), "all",
                Integer.toString(recordBytes));
        return EndToEndResult.parse(ChildJvm.run(END_TO_END_LATENCY, args, TOOL_TIMEOUT).requireSuccess("EndToEndLatency"));
    }

    private ProducerPerfResult producerPerformance(String topic, long warmupRecords, long records, int throughput) {
        broker.createTopic(topic, partitions);
        return run(topic, warmupRecords, records, throughput);
    }

    private ProducerPerfResult run(String topic, long warmupRecords, long records, int throughput) {
        List<String> args = List.of(
                Long.toString(warmupRecords),
                "--topic", topic,
                "--num-records", Long.toString(records),
                "--record-size", Integer.toString(RECORD_BYTES),
                "--throughput", Integer.toString(throughput),
                "--producer-props",
                "bootstrap.servers=" + broker.bootstrapServers(),
                "acks=all",
                "enable.idempotence=true",
                "linger.ms=0",
                "compression.type=none");
        String output = ChildJvm.run(WarmProducerPerformance.class.getName(), args, TOOL_TIMEOUT)
                .requireSuccess("ProducerPerformance");
        int measured = output.indexOf(WarmProducerPerformance.MEASURED_MARKER);
        if (measured < 0) {
            throw new IllegalStateException("ProducerPerformance did not reach its measured run:\n" + ChildJvm.tail(output, 20));
        }
        return ProducerPerfResult.parse(output.substring(measured));
    }
}
