package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.herald.server.auth.AuthKeys;
import dev.herald.server.auth.Grants;
import dev.herald.server.auth.TokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herald token} as a script uses it: the token alone on stdout, verifiable; a clear line and exit 2 when it cannot. */
class TokenCommandTest {

    private static final String SECRET = "a-dev-secret-of-at-least-32-bytes-long!";
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        TokenCommand command = new TokenCommand();
        command.environment = env;
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CommandLine cl = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsOneVerifiableTokenWithTheAskedChannelsAndLifetime() {
        Run r = run(Map.of(TokenCommand.SECRET_ENV, SECRET), "--subject", "alice", "--publish", "demo*",
                "--subscribe", "demo*,user.{sub}.*", "--ttl", "2h");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        Grants grants = new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), null, null, Duration.ZERO,
                Clock.fixed(NOW, ZoneOffset.UTC)).verify(r.out().strip());
        assertThat(grants.subject()).isEqualTo("alice");
        assertThat(grants.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(2)));
        assertThat(grants.mayPublish("demo.x")).isTrue();
        assertThat(grants.maySubscribe("user.alice.inbox")).isTrue();
    }

    @Test
    void withoutAnotherKeyItSignsWithTheSecretOfDevAuth(@TempDir Path devData) throws Exception {
        Files.writeString(devData.resolve(DevSecret.FILE), SECRET + "\n");
        Run r = run(Map.of(), "--dev-data-dir", devData.toString(), "--subject", "bob", "--subscribe", "demo");
        assertThat(r.exit()).as(r.err()).isZero();
        Grants grants = new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), null, null, Duration.ZERO,
                Clock.fixed(NOW, ZoneOffset.UTC)).verify(r.out().strip());
        assertThat(grants.maySubscribe("demo")).isTrue();
    }

    @Test
    void withoutAKeyOrWithABadPatternItSaysWhatIsWrongAndExitsTwo(@TempDir Path emptyDevData) {
        Run noKey = run(Map.of(), "--dev-data-dir", emptyDevData.toString(), "--subject", "alice");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.out()).isEmpty();
        assertThat(noKey.err()).contains("no key to sign with");
        Run badPattern = run(Map.of(), "--secret", SECRET, "--publish", "a*b");
        assertThat(badPattern.exit()).isEqualTo(2);
        assertThat(badPattern.err()).contains("'*' before its end");
        Run badTtl = run(Map.of(), "--secret", SECRET, "--ttl", "soon");
        assertThat(badTtl.err()).contains("'soon' is not a duration");
    }

    @Test
    void durationsReadTheShortFormsAndIso() {
        assertThat(TokenCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TokenCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(TokenCommand.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(TokenCommand.duration("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theTokenCommandIsRegistered() {
        assertThat(HeraldCommand.commandLine().getSubcommands()).containsKey("token");
    }
}
