package dev.herald.bench;

import picocli.CommandLine.Command;

/** {@code bench channels}: many channels, each subscriber on a few. */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = {"Many channels, each subscriber on a few (defaults: 2,000 subscribers on 3 of 200 channels each, "
                + "1,000 events/s over all channels, 256-byte payloads, 20 s after a 5 s warm-up, 1 edge)."})
final class ChannelsScenario extends ScenarioCommand {

    @Override
    ScenarioSettings defaults() {
        return new ScenarioSettings("channels", 2_000, 200, 3, 1_000, 256, 20, 5, 1);
    }
}
