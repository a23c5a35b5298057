package dev.herald.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.schemas.InvalidInputException;
import dev.herald.server.auth.TokenMinter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald token}: prints a signed token (a JWT Herald's services verify), alone on its
 * line, for scripts: {@code TOKEN=$(./herald token --subject alice --publish 'demo*')}. Signs
 * with {@code --secret} (or {@code HERALD_AUTH_HMAC_SECRET}, or else the secret
 * {@code ./herald dev --auth} keeps in its data folder), or {@code --key-file} (a PKCS#8 private
 * key). A bad pattern, lifetime or key stops it with one line saying what is wrong.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token (JWT) with channel permissions, signed with an HMAC secret or a private key.")
final class TokenCommand implements Callable<Integer> {

    /** The environment variable that gives the HMAC secret when {@code --secret} does not. */
    static final String SECRET_ENV = "HERALD_AUTH_HMAC_SECRET";

    @Option(names = "--subject", description = "The token's subject (sub claim); {sub} in a pattern stands for it.")
    String subject;

    @Option(names = "--publish", split = ",", paramLabel = "PATTERN",
            description = "Channels it may publish to: names, or prefixes ending in '*'; comma-separated or repeated.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--subscribe", split = ",", paramLabel = "PATTERN", description = "Channels it may follow, likewise.")
    List<String> subscribe = new ArrayList<>();

    @Option(names = "--admin", description = "Allow the admin endpoints too: the admin page and its data, replay through an edge.")
    boolean admin;

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION",
            description = "How long it is valid: 90s, 30m, 1h, 7d or ISO-8601 (PT1H) (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--secret", description = "HMAC secret to sign with (HS256), at least 32 bytes; default: $" + SECRET_ENV
            + ", else the secret of ./herald dev --auth in --dev-data-dir.")
    String secret;

    @Option(names = "--dev-data-dir", defaultValue = ".herald-dev", description = "The data folder of ./herald dev --auth, whose "
            + "secret signs when no other key is given (default: ${DEFAULT-VALUE}).")
    Path devDataDir;

    @Option(names = "--key-file", description = "PEM file of a PKCS#8 private key to sign with (RS256 for RSA, ES256 for EC P-256).")
    Path keyFile;

    @Option(names = "--key-id", description = "The kid to name in the header (with --key-file), as the JWKS lists the key.")
    String keyId;

    @Option(names = "--issuer", description = "The iss claim (a service with auth.issuer set requires it).")
    String issuer;

    @Option(names = "--audience", description = "The aud claim (a service with auth.audience set requires it).")
    String audience;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Replaced by tests. */
    Map<String, String> environment = System.getenv();
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            TokenMinter minter;
            if (keyFile != null) {
                minter = TokenMinter.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyId);
            } else {
                String key = secret != null ? secret : environment.get(SECRET_ENV);
                if (key == null || key.isEmpty()) {
                    key = DevSecret.load(devDataDir);
                }
                if (key == null || key.isEmpty()) {
                    err.println("herald token: no key to sign with: give --secret, set " + SECRET_ENV + ", give --key-file, or start "
                            + "./herald dev --auth (whose secret is then read from " + devDataDir.resolve(DevSecret.FILE) + ")");
                    return 2;
                }
                minter = TokenMinter.hmac(key);
            }
            String token = minter.mint(subject, publish, subscribe, admin, issuer, audience, clock.instant(), duration(ttl));
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (InvalidInputException e) {
            err.println("herald token: " + e.getMessage());
            return 2;
        }
    }

    /**
     * {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or ISO-8601 ({@code PT1H}).
     *
     * @throws InvalidInputException naming the text that is no duration
     */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // said below
        }
        throw new InvalidInputException("'" + text + "' is not a duration; write 90s, 30m, 1h, 7d or PT1H");
    }
}
