package dev.herald.bench;

/**
 * The result of Kafka's {@code ConsumerPerformance}: one consumer reading a topic's records as fast
 * as it can. Parsed from its CSV line:
 * {@code start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...}.
 *
 * @param records       records read
 * @param recordsPerSec records per second, from the start (group join included) to the end
 * @param mbPerSec      MB per second, likewise
 */
record ConsumerPerfResult(long records, double recordsPerSec, double mbPerSec) {

    static ConsumerPerfResult parse(String output) {
        String[] lines = output.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String[] f = lines[i].split(",\\s*");
            if (f.length >= 6 && !f[0].startsWith("start.time")) {
                try {
                    return new ConsumerPerfResult(Long.parseLong(f[4].trim()), Double.parseDouble(f[5].trim()),
                            Double.parseDouble(f[3].trim()));
                } catch (NumberFormatException e) {
                    // not the figures line; look further up
                }
            }
        }
        throw new IllegalStateException("no figures in ConsumerPerformance's output:\n" + ChildJvm.tail(output, 20));
    }
}
