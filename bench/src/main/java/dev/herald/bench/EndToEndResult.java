package dev.herald.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of Kafka's {@code EndToEndLatency}: one record at a time is sent, acknowledged and
 * read back by a consumer; the latency spans all three. Percentiles are whole milliseconds
 * (truncated) as the tool prints them.
 *
 * @param avgMs  mean latency, ms
 * @param p50Ms  median, whole ms
 * @param p99Ms  99th percentile, whole ms
 * @param p999Ms 99.9th percentile, whole ms
 */
record EndToEndResult(double avgMs, long p50Ms, long p99Ms, long p999Ms) {

    private static final Pattern AVERAGE = Pattern.compile("Avg latency: ([\\d.]+) ms");
    private static final Pattern PERCENTILES = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");

    /**
     * Reads the average and percentile lines from the tool's output.
     *
     * @throws IllegalArgumentException if either is missing
     */
    static EndToEndResult parse(String output) {
        Matcher avg = AVERAGE.matcher(output);
        Matcher pct = PERCENTILES.matcher(output);
        if (!avg.find() || !pct.find()) {
            throw new IllegalArgumentException("no EndToEndLatency result in its output:\n" + ChildJvm.tail(output, 20));
        }
        return new EndToEndResult(Double.parseDouble(avg.group(1)), Long.parseLong(pct.group(1)),
                Long.parseLong(pct.group(2)), Long.parseLong(pct.group(3)));
    }
}
