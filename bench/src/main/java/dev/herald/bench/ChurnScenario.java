package dev.herald.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench churn}: subscribers drop their sockets at random throughout the measurement, stay
 * away a while, and come back on the next edge resuming every channel from their last position.
 * Nothing may be missed, and no socket may bring an event twice.
 */
@Command(name = "churn", mixinStandardHelpOptions = true,
        description = {"Subscribers dropping and resuming throughout (defaults: 1,000 subscribers on 2 of 10 channels each, "
                + "200 events/s, 256-byte payloads, 20 s after a 5 s warm-up, 2 edges; 50 drops/s, each away 500 ms, "
                + "back on the next edge with since=<last position>)."})
final class ChurnScenario extends ScenarioCommand {

    @Option(names = "--churn-per-second", paramLabel = "N", defaultValue = "50",
            description = "Subscribers that drop their socket per second, picked at random (default: ${DEFAULT-VALUE}).")
    private double churnPerSecond;

    @Option(names = "--offline-ms", paramLabel = "MS", defaultValue = "500",
            description = "How long a dropped subscriber stays away before it reconnects (default: ${DEFAULT-VALUE}).")
    private int offlineMillis;

    @Override
    ScenarioSettings defaults() {
        return new ScenarioSettings("churn", 1_000, 10, 2, 200, 256, 20, 5, 2);
    }

    @Override
    Disturbance disturbance() {
        return new Disturbance(Disturbance.Kind.CHURN, churnPerSecond, offlineMillis, 0);
    }
}
