package dev.herald.bench;

import picocli.CommandLine.Command;

/** {@code bench fanout}: one channel, one publisher, many subscribers. */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = {"One channel, one publisher, N WebSocket subscribers (defaults: 1,000 subscribers, 100 events/s, "
                + "256-byte payloads, 20 s after a 5 s warm-up, 1 edge)."})
final class FanoutScenario extends ScenarioCommand {

    @Override
    ScenarioSettings defaults() {
        return new ScenarioSettings("fanout", 1_000, 1, 1, 100, 256, 20, 5, 1);
    }
}
