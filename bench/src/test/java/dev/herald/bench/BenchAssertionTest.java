package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchAssertionTest {

    private static final JsonNode RESULT = read("{\"delivered_ratio\":0.999,\"duplicates\":0,\"latency_ms\":{\"p99\":42.5}}");

    @Test
    void boundsAreCheckedAgainstDottedPaths() {
        assertThat(BenchAssertion.parse("latency_ms.p99<=50").holds(RESULT)).isTrue();
        assertThat(BenchAssertion.parse("latency_ms.p99<42.5").holds(RESULT)).isFalse();
        assertThat(BenchAssertion.parse("delivered_ratio>=1.0").holds(RESULT)).isFalse();
        assertThat(BenchAssertion.parse("delivered_ratio > 0.99").holds(RESULT)).isTrue();
        assertThat(BenchAssertion.parse("duplicates=0").holds(RESULT)).isTrue();
        assertThat(BenchAssertion.parse("duplicates==0").holds(RESULT)).isTrue();
        assertThat(BenchAssertion.parse("duplicates!=0").holds(RESULT)).isFalse();
    }

    @Test
    void aMalformedBoundOrAMissingKeyIsAClearError() {
        assertThatThrownBy(() -> BenchAssertion.parse("delivered_ratio")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected <key><op><number>");
        assertThatThrownBy(() -> BenchAssertion.parse("duplicates<=none")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> BenchAssertion.parse("latency_ms.p98<=1").holds(RESULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency_ms.p98");
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
