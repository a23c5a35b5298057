package dev.herald.bench;

import picocli.CommandLine.Command;

/**
 * {@code bench seed}: the workload of the large-audience pubsub spec Herald answers: one channel,
 * 2,000 subscribers, 30 events/s for 10 s, 1 KiB payloads.
 */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = {"The large-audience pubsub workload: 2,000 subscribers of one channel, 30 events/s for 10 s, "
                + "1 KiB payloads (after a 5 s warm-up, 1 edge)."})
final class SeedScenario extends ScenarioCommand {

    @Override
    ScenarioSettings defaults() {
        return new ScenarioSettings("seed", 2_000, 1, 1, 30, 1_024, 10, 5, 1);
    }
}
