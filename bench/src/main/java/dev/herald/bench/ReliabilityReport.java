package dev.herald.bench;

import static dev.herald.bench.Numbers.num;

import java.util.List;
import java.util.Locale;

/**
 * The Markdown of {@code docs/reliability.md}: one row per fault suite, with what was done, the
 * events acknowledged, lost, duplicated and out of order, the time to recover and the publish p99
 * during the fault, then the machine and how to produce the report again.
 */
final class ReliabilityReport {

    private final List<FaultResult> faults;
    private final MachineInfo machine;

    ReliabilityReport(List<FaultResult> faults, MachineInfo machine) {
        this.faults = List.copyOf(faults);
        this.machine = machine;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability under faults\n\n");
        md.append("Written by `./herald bench reliability` from the results of the fault suites in `itests` (one JSON file per "
                + "fault in `itests/target/reliability`). Do not edit by hand: run the suites and the command again (see *How "
                + "to run it* below).\n\n");
        md.append("Every suite runs Herald in containers of its own image: a three-broker Kafka cluster (KRaft; the log topic with "
                + "3 replicas, `min.insync.replicas=2`, no unclean leader election), ingest and two edges, all on host networking "
                + "on loopback. Publishers POST durable events throughout and record every acknowledgement (201); subscribers "
                + "on WebSockets record every event they receive, and reconnect and resume from their last position when a "
                + "connection ends. The delivery checker then counts, over every subscriber:\n\n");
        md.append("- **lost**: events acknowledged to a channel after a subscriber's start that it never received;\n");
        md.append("- **duplicated**: events received twice on one connection;\n");
        md.append("- **out of order**: events received on a connection after a later event of the same channel.\n\n");
        long passed = faults.stream().filter(FaultResult::passed).count();
        md.append(String.format(Locale.ROOT, "**%d of %d faults passed** (0 lost, 0 duplicated, 0 out of order, recovered).%n%n",
                passed, faults.size()));
        md.append("| # | Fault | Acknowledged | Lost | Duplicated | Out of order | Time to recover | Publish p99 from the fault on | Result |\n");
        md.append("|---:|---|---:|---:|---:|---:|---|---:|---|\n");
        for (FaultResult f : faults) {
            md.append("| ").append(f.order()).append(" | ").append(f.title())
                    .append(" | ").append(num(f.acknowledged()))
                    .append(" | ").append(num(f.lost()))
                    .append(" | ").append(num(f.duplicates()))
                    .append(" | ").append(num(f.outOfOrder()))
                    .append(" | ").append(recovery(f))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f ms", f.publishP99Ms()))
                    .append(" | ").append(f.passed() ? "pass" : "**fail**").append(" |\n");
        }
        md.append("\n## What each suite did\n\n");
        for (FaultResult f : faults) {
            md.append(String.format(Locale.ROOT, "%d. **%s** (`%s`, finished %s). %s Publishes answered with an error: %s; "
                            + "without an answer: %s; events received in all: %s, by %s subscribers.%n",
                    f.order(), f.title(), f.fault(), f.finishedAt(), f.what(), num(f.failed()), num(f.unknown()), num(f.receipts()),
                    num(f.subscribers())));
        }
        md.append("\nThe time to recover runs from the moment its row names (a kill for a failover; a restart, an unpause or "
                + "a freed disk for a catch-up) to when every subscriber had every event acknowledged before that moment and was "
                + "receiving new events on every channel again. How long a fault lasted is the suite's choice and is in *What "
                + "each suite did*. The publish p99 is over the events first sent from the fault's start to the end of the run, "
                + "from an event's first attempt to its acknowledgement, retries included.\n");
        md.append("\n## Machine\n\n");
        md.append("The suites ran on: ").append(String.join("; ", faults.stream().map(FaultResult::machine)
                .filter(m -> m != null).distinct().toList())).append(". The report was written on:\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPUs (`nproc`) | ").append(machine.cpus()).append(" × ").append(machine.cpuModel()).append(" |\n");
        md.append("| Memory | ").append(machine.memoryGiB()).append(" |\n");
        md.append("| OS | ").append(machine.os()).append(" |\n");
        md.append("| `java -version` | ").append(machine.javaVersion()).append(" |\n");
        md.append("\nThe brokers, ingest, the edges and the test's clients share the machine's CPUs, so times to recover and "
                + "latencies include that contention.\n");
        md.append("\n## How to run it\n\n");
        md.append("```sh\n");
        md.append("mvn -B verify -pl itests -am -Dtest='*FaultTest' -Dsurefire.failIfNoSpecifiedTests=false -Dherald.fuzz.skip=true\n");
        md.append("./herald bench reliability --results itests/target/reliability --out docs/reliability.md\n");
        md.append("```\n\n");
        md.append("The suites need a Docker engine and the base image `herald-jre:17` (`bash docker/base-image.sh`; `.ci/run` "
                + "prepares both). They also run in `mvn -B verify`, the README's test command.\n");
        return md.toString();
    }

    private static String recovery(FaultResult f) {
        if (f.recoveryMs() == null) {
            return "**did not recover**";
        }
        return String.format(Locale.ROOT, "%.1f s (%s)", f.recoveryMs() / 1000.0, f.recoveryWhat());
    }
}
