package dev.herald.bench;

/**
 * The result of Kafka's {@code ConsumerPerformance}: one consumer reading a topic's records as fast
 * as it can. Parsed from its CSV line:
 * {@code start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 * rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec}.
 *
 * @param records            records read
 * @param recordsPerSec      records per second, from the start (group join included) to the end
 * @param mbPerSec           MB per second, likewise
 * @param joinMs             time to join the consumer group and get partitions, milliseconds
 *                           ({@code rebalance.time.ms}; 0 when the tool does not print it)
 * @param fetchRecordsPerSec records per second once the partitions were assigned (the join left
 *                           out; {@code fetch.nMsg.sec}, or {@code recordsPerSec} when not printed)
 */
record ConsumerPerfResult(long records, double recordsPerSec, double mbPerSec, long joinMs, double fetchRecordsPerSec) {

    static ConsumerPerfResult parse(String output) {
        String[] lines = output.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String[] f = lines[i].split(",\\s*");
            if (f.length >= 6 && !f[0].startsWith("start.time")) {
                try {
                    double recordsPerSec = Double.parseDouble(f[5].trim());
                    boolean fetch = f.length >= 10;
                    return new ConsumerPerfResult(Long.parseLong(f[4].trim()), recordsPerSec, Double.parseDouble(f[3].trim()),
                            fetch ? Long.parseLong(f[6].trim()) : 0, fetch ? Double.parseDouble(f[9].trim()) : recordsPerSec);
                } catch (NumberFormatException e) {
                    // not the figures line; look further up
                }
            }
        }
        throw new IllegalStateException("no figures in ConsumerPerformance's output:\n" + ChildJvm.tail(output, 20));
    }
}
