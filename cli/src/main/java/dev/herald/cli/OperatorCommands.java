package dev.herald.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The operator commands ({@code lag}, {@code tail}, {@code replay}) written out against one
 * running Herald, ready to copy: what {@code herald dev} prints at start. They live here, in one
 * place, so that a test can parse each with the launcher's own command line and they stay true.
 *
 * @param bootstrapServers the cluster
 * @param topic            the log topic
 * @param edgeId           the edge to name in {@code replay}
 * @param edgeUrl          that edge's base URL, for a replay through the running edge
 * @param channel          the channel to name in {@code tail}
 */
record OperatorCommands(String bootstrapServers, String topic, String edgeId, String edgeUrl, String channel) {

    /** How far back the printed replay goes. */
    static final String REPLAY_DURATION = "PT10M";

    /** {@code herald lag} against the cluster. */
    List<String> lag() {
        return command("lag");
    }

    /** {@code herald tail CHANNEL} against the cluster. */
    List<String> tail() {
        return command("tail", channel);
    }

    /** A dry run of {@code herald replay} of the last 10 minutes through the running edge. */
    List<String> replay() {
        return command("replay", "--edge", edgeId, "--edge-url", edgeUrl, "--by-duration", REPLAY_DURATION);
    }

    /** The launcher's arguments for {@code args} on this cluster (and topic, if it is not the default). */
    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--bootstrap-servers", bootstrapServers));
        if (!LogOptions.DEFAULT_TOPIC.equals(topic)) {
            command.addAll(List.of("--topic", topic));
        }
        return command;
    }

    /** The lines to print: a short title for each command, then the command itself, indented. */
    List<String> lines() {
        return List.of(
                "How far the edge is behind the log (--watch repeats it, --json for scripts):",
                "  " + shell(lag()),
                "",
                "The last events of " + channel + " straight from the log (--follow keeps printing, --since POSITION|TIME|DURATION):",
                "  " + shell(tail()),
                "",
                "What a replay of the last 10 minutes through the edge would do (a dry run; --execute does it):",
                "  " + shell(replay()));
    }

    /** The command as a shell line: {@code ./herald} and its arguments, each quoted if it needs it. */
    static String shell(List<String> args) {
        StringBuilder line = new StringBuilder("./herald");
        for (String a : args) {
            line.append(' ').append(a.matches("[A-Za-z0-9_.:@/,=+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
