package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerHeaderTest {

    @Test
    void theTokenAfterTheSchemeIsRead() {
        assertThat(BearerHeader.token("Bearer abc.def-_~+/.ghi==")).isEqualTo("abc.def-_~+/.ghi==");
        assertThat(BearerHeader.token("bearer   x.y.z ")).isEqualTo("x.y.z");
    }

    @Test
    void noHeaderIsNoToken() {
        assertThat(BearerHeader.token(null)).isNull();
    }

    @Test
    void otherSchemesAndBadTokensAreMalformed() {
        for (String bad : new String[] {"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearerx abc", "Bearer a b",
                "Bearer =abc", "Bearer a=b", "Bearer a\"b", " Bearer abc"}) {
            assertThatThrownBy(() -> BearerHeader.token(bad)).as(bad)
                    .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.problem()).isEqualTo(TokenProblem.MALFORMED));
        }
    }
}
