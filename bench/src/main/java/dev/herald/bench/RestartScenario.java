package dev.herald.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench restart}: a third of the way into the measurement edge 0 is killed with SIGKILL,
 * stays down a while, and starts again on its port, data folder and edge id; its subscribers
 * reconnect (with back-off, to the next edge) and resume every channel from their last position.
 * Nothing may be missed, and no socket may bring an event twice.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"An edge killed (SIGKILL) and restarted mid-run, its subscribers resuming (defaults: 1,000 subscribers "
                + "on 2 of 10 channels each, 200 events/s, 256-byte payloads, 20 s after a 5 s warm-up, 1 edge, down 2 s)."})
final class RestartScenario extends ScenarioCommand {

    @Option(names = "--down-ms", paramLabel = "MS", defaultValue = "2000",
            description = "How long the killed edge stays down before it starts again (default: ${DEFAULT-VALUE}).")
    private int downMillis;

    @Override
    ScenarioSettings defaults() {
        return new ScenarioSettings("restart", 1_000, 10, 2, 200, 256, 20, 5, 1);
    }

    @Override
    Disturbance disturbance() {
        return new Disturbance(Disturbance.Kind.RESTART, 0, 0, downMillis);
    }
}
