package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operator commands {@code herald dev} prints are commands the launcher takes, with the values printed. */
class OperatorCommandsTest {

    private final OperatorCommands commands = new OperatorCommands("127.0.0.1:19092", "herald.events", "dev", "http://127.0.0.1:8081",
            "demo");

    @Test
    void thePrintedLagAndTailLinesParseAsTheLaunchersOwnCommandsWithTheirValues() {
        CommandLine.ParseResult lag = parse(line("./herald lag "));
        LagCommand lagCommand = lag.subcommand().commandSpec().commandLine().getCommand();
        assertThat(lagCommand.log.clientProps()).containsEntry("bootstrap.servers", "127.0.0.1:19092");
        assertThat(lagCommand.log.topic()).isEqualTo("herald.events");

        CommandLine.ParseResult tail = parse(line("./herald tail "));
        TailCommand tailCommand = tail.subcommand().commandSpec().commandLine().getCommand();
        assertThat(tailCommand.channel).isEqualTo("demo");
        assertThat(tailCommand.log.clientProps()).containsEntry("bootstrap.servers", "127.0.0.1:19092");
    }

    @Test
    void theReplayLineHasTheIssuesSyntaxAndParsesOnceReplayIsALauncherCommand() {
        String replay = line("./herald replay ");
        assertThat(replay).isEqualTo("./herald replay --edge dev --edge-url http://127.0.0.1:8081 --by-duration PT10M "
                + "--bootstrap-servers 127.0.0.1:19092");
        if (HeraldCommand.commandLine().getSubcommands().containsKey("replay")) {
            assertThat(parse(replay).subcommand().commandSpec().name()).isEqualTo("replay");
        }
    }

    @Test
    void aTopicOtherThanTheDefaultIsNamedAndAnArgumentThatNeedsQuotesGetsThem() {
        OperatorCommands other = new OperatorCommands("127.0.0.1:1", "events.v2", "dev", "http://127.0.0.1:2", "demo");

        assertThat(OperatorCommands.shell(other.lag())).isEqualTo("./herald lag --bootstrap-servers 127.0.0.1:1 --topic events.v2");
        assertThat(OperatorCommands.shell(List.of("tail", "it's"))).isEqualTo("./herald tail 'it'\\''s'");
        assertThat(tokens(OperatorCommands.shell(List.of("tail", "it's", "a b")))).containsExactly("tail", "it's", "a b");
    }

    private String line(String prefix) {
        return commands.lines().stream().map(String::strip).filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static CommandLine.ParseResult parse(String shellLine) {
        return HeraldCommand.commandLine().parseArgs(tokens(shellLine).toArray(String[]::new));
    }

    /** The arguments a POSIX shell makes of {@code ./herald ...} (single quotes, backslashes): the launcher's, without {@code ./herald}. */
    private static List<String> tokens(String shellLine) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = null;
        boolean quoted = false;
        boolean escaped = false;
        for (char c : shellLine.toCharArray()) {
            if (escaped) {
                token = token == null ? new StringBuilder() : token;
                token.append(c);
                escaped = false;
            } else if (c == '\\' && !quoted) {
                escaped = true;
            } else if (c == '\'') {
                quoted = !quoted;
                token = token == null ? new StringBuilder() : token;
            } else if (c == ' ' && !quoted) {
                if (token != null) {
                    tokens.add(token.toString());
                    token = null;
                }
            } else {
                token = token == null ? new StringBuilder() : token;
                token.append(c);
            }
        }
        if (token != null) {
            tokens.add(token.toString());
        }
        assertThat(tokens.remove(0)).isEqualTo("./herald");
        return tokens;
    }
}
