package dev.herald.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where and how a benchmark ran: what every report states before its figures.
 *
 * @param machine      the machine
 * @param date         when the run started, to the second
 * @param command      the command line that produced the figures
 * @param kafkaVersion version of the Kafka clients and broker
 * @param broker       what the broker was, one line
 */
record BenchRun(MachineInfo machine, Instant date, String command, String kafkaVersion, String broker) {

    BenchRun {
        date = date.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The head of a report's run table, as Markdown; a report adds its own rows after it. */
    String runTable() {
        return "| | |\n|---|---|\n"
                + "| Date (UTC) | " + date + " |\n"
                + "| Command | `" + command + "` |\n"
                + "| CPUs (`nproc`) | " + machine.cpus() + " × " + machine.cpuModel() + " |\n"
                + "| Memory | " + machine.memoryGiB() + " |\n"
                + "| OS | " + machine.os() + " |\n"
                + "| `java -version` | " + machine.javaVersion() + " |\n"
                + "| Kafka | " + kafkaVersion + ", " + broker + " |\n";
    }
}
