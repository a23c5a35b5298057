package dev.herald.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import dev.herald.schemas.InvalidInputException;

class AllowedOriginsTest {

    @Test
    void listedOriginsAreAllowedWhateverTheirCaseOrDefaultPort() {
        AllowedOrigins origins = AllowedOrigins.parse(" https://App.example.com:443 , http://localhost:5173");
        assertThat(origins.allows("https://app.example.com")).isTrue();
        assertThat(origins.allows("HTTPS://APP.EXAMPLE.COM")).isTrue();
        assertThat(origins.allows("http://localhost:5173")).isTrue();
        assertThat(origins.allows("http://localhost:5174")).isFalse();
        assertThat(origins.allows("http://app.example.com")).isFalse();
        assertThat(origins.allows("https://app.example.com.evil.test")).isFalse();
        assertThat(origins.allows("null")).isFalse();
        assertThat(origins.allows("garbage ::")).isFalse();
    }

    @Test
    void aRequestWithoutOriginIsNotFromAPageAndPasses() {
        assertThat(AllowedOrigins.parse("").allows(null)).isTrue();
        assertThat(AllowedOrigins.parse("").allows("https://app.example.com")).isFalse();
    }

    @Test
    void starAllowsAnyOrigin() {
        AllowedOrigins any = AllowedOrigins.parse("*");
        assertThat(any.any()).isTrue();
        assertThat(any.allows("https://anything.test")).isTrue();
        assertThat(any.allows("null")).isTrue();
    }

    @Test
    void anEntryThatIsNotAnOriginIsRefusedByName() {
        for (String bad : new String[] {"app.example.com", "https://app.example.com/", "https://app.example.com/path", "ftp://x.test",
                "https://user@x.test"}) {
            assertThatThrownBy(() -> AllowedOrigins.parse(bad)).as(bad).isInstanceOf(InvalidInputException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void starNeedsTokensOffUnlessTheServiceListensOnLoopback() {
        assertThatThrownBy(() -> OriginsConfig.read("*", true, "0.0.0.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(OriginsConfig.ALLOWED_ORIGINS);
        assertThat(OriginsConfig.read("*", false, "0.0.0.0").any()).isTrue();
        assertThat(OriginsConfig.read("*", true, "127.0.0.1").any()).isTrue();
    }
}
