package dev.herald.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary line of Kafka's {@code ProducerPerformance}: throughput and the latency of each
 * send, from {@code send()} to its acknowledgement. The tool reports percentiles in whole
 * milliseconds (truncated), so they are only as fine as 1 ms.
 *
 * @param records       records sent
 * @param recordsPerSec records per second over the whole run
 * @param mbPerSec      payload megabytes (MiB) per second
 * @param avgMs         mean latency, ms
 * @param maxMs         largest latency, ms
 * @param p50Ms         median latency, whole ms
 * @param p95Ms         95th percentile, whole ms
 * @param p99Ms         99th percentile, whole ms
 * @param p999Ms        99.9th percentile, whole ms
 */
record ProducerPerfResult(long records, double recordsPerSec, double mbPerSec, double avgMs, double maxMs,
                          long p50Ms, long p95Ms, long p99Ms, long p999Ms) {

    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th");

    /**
     * Reads the final summary line (the one with percentiles) from the tool's output.
     *
     * @throws IllegalArgumentException if there is no such line
     */
    static ProducerPerfResult parse(String output) {
        Matcher m = SUMMARY.matcher(output);
        ProducerPerfResult last = null;
        while (m.find()) {
            last = new ProducerPerfResult(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
                    Long.parseLong(m.group(6)), Long.parseLong(m.group(7)), Long.parseLong(m.group(8)),
                    Long.parseLong(m.group(9)));
        }
        if (last == null) {
            throw new IllegalArgumentException("no ProducerPerformance summary line in its output:\n" + ChildJvm.tail(output, 20));
        }
        return last;
    }
}
