package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fuzzes {@link BearerHeader#token} with any header value, starting from real ones, against the
 * RFC 6750 grammar written as a regular expression: a value of that shape gives its token, any
 * other is refused as {@link TokenProblem#MALFORMED}, and no header gives no token.
 */
class BearerHeaderFuzzTest {

    /** {@code Bearer}, any case, one or more spaces, a b64token, then any trailing spaces. */
    private static final Pattern BEARER = Pattern.compile("(?i:bearer) +([A-Za-z0-9._~+/-]+=*) *");

    @ValueSource(strings = {"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln", "bearer  abc+/~==  ", "Basic dXNlcjpwYXNz",
            "Bearer", "Bearer a b", "BEARER ="})
    @FuzzTest(maxDuration = "30s")
    void aHeaderGivesItsTokenExactlyWhenItIsBearerAndOneB64Token(String header) {
        var shape = header == null ? null : BEARER.matcher(header);
        String token;
        try {
            token = BearerHeader.token(header);
        } catch (InvalidTokenException e) {
            assertThat(e.problem()).isEqualTo(TokenProblem.MALFORMED);
            assertThat(shape != null && shape.matches()).as("refused %s", header).isFalse();
            return;
        }
        if (header == null) {
            assertThat(token).isNull();
            return;
        }
        assertThat(shape.matches()).as("accepted %s", header).isTrue();
        assertThat(token).isEqualTo(shape.group(1));
    }
}
