package dev.herald.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.tools.ProducerPerformance;

/**
 * The main class of a raw-baseline child JVM: runs Kafka's {@code ProducerPerformance} twice in
 * one JVM, a warm-up run and then the measured run, with the same arguments except the record
 * count of the warm-up.
 *
 * <p>A fresh JVM and a topic never written to add a start-up transient (class loading, JIT,
 * connection set-up, new log segments) that dominates the tail of a short run; Herald's figures
 * are taken after a warm-up on its topic, so Kafka's are too. The tool's main method returns
 * normally on success, which is what makes the second run possible.
 *
 * <p>Arguments: {@code <warm-up records> <ProducerPerformance arguments...>}, which must include
 * {@code --num-records}. The output of the measured run follows the line {@link #MEASURED_MARKER}.
 */
public final class WarmProducerPerformance {

    /** Printed between the warm-up run's output and the measured run's. */
    static final String MEASURED_MARKER = "=== herald-bench: measured run ===";

    private WarmProducerPerformance() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: <warm-up records> <ProducerPerformance arguments...>");
        }
        long warmupRecords = Long.parseLong(args[0]);
        String[] toolArgs = Arrays.copyOfRange(args, 1, args.length);
        if (warmupRecords > 0) {
            ProducerPerformance.main(withRecordCount(toolArgs, warmupRecords));
        }
        System.out.println(MEASURED_MARKER);
        ProducerPerformance.main(toolArgs);
    }

    private static String[] withRecordCount(String[] toolArgs, long records) {
        List<String> args = new ArrayList<>(Arrays.asList(toolArgs));
        int flag = args.indexOf("--num-records");
        if (flag < 0 || flag + 1 >= args.size()) {
            throw new IllegalArgumentException("the ProducerPerformance arguments have no --num-records value");
        }
        args.set(flag + 1, Long.toString(records));
        return args.toArray(String[]::new);
    }
}
