package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Only a token with herald.admin reaches the guarded handler, by header or cookie; with tokens off everyone does. */
class AdminAccessTest {

    private static final String SECRET = "an-admin-test-secret-of-32-bytes-or-more";
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger reached = new AtomicInteger();
    private Undertow server;
    private String url;

    private void start(Authenticator authenticator) {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new AdminAccess(authenticator, null, "herald_token", ex -> {
                    reached.incrementAndGet();
                    ex.getResponseSender().send("ok");
                })).build();
        server.start();
        url = "http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/admin";
    }

    @BeforeEach
    void tokensOn() {
        start(Authenticator.verifying(new TokenVerifier(AuthKeys.of(SECRET, null, null, Duration.ofSeconds(1)), null, null,
                Duration.ZERO, Clock.systemUTC())));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(boolean admin) {
        return TokenMinter.hmac(SECRET).mint("op", List.of("*"), List.of("*"), admin, null, null, java.time.Instant.now(), Duration.ofMinutes(5));
    }

    @Test
    void onlyAnAdminTokenIsLetThrough() throws Exception {
        HttpResponse<String> none = get(null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        assertThat(get("Authorization", "Bearer not-a-token").statusCode()).isEqualTo(401);
        HttpResponse<String> plain = get("Authorization", "Bearer " + token(false));
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(plain.body()).contains("herald.admin");
        assertThat(plain.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
        assertThat(reached).hasValue(0);

        assertThat(get("Authorization", "Bearer " + token(true)).statusCode()).isEqualTo(200);
        assertThat(get("Cookie", "herald_token=" + token(true)).statusCode()).isEqualTo(200);
        assertThat(get("Cookie", "herald_token=" + token(false)).statusCode()).isEqualTo(403);
        assertThat(reached).hasValue(2);
    }

    @Test
    void withTokensOffEveryoneIsLetThrough() throws Exception {
        server.stop();
        start(Authenticator.open());
        assertThat(get(null, null).statusCode()).isEqualTo(200);
        assertThat(reached).hasValue(1);
    }
}
