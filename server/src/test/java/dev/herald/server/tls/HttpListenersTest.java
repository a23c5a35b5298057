package dev.herald.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener a service gets: HTTPS with a TLS context, HTTP without; a real Undertow server per test. */
class HttpListenersTest {

    @TempDir
    Path dir;
    private Undertow server;

    private int start(SSLContext tls) {
        server = HttpListeners.add(Undertow.builder(), 0, "127.0.0.1", tls)
                .setHandler(exchange -> exchange.getResponseSender().send(exchange.getRequestScheme()))
                .build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withATlsContextServesHttpsWithTheCertificateAndRefusesPlainHttp() throws Exception {
        TestCertificate cert = TestCertificate.rsa();
        SSLContext tls = ServerIdentity.read(cert.writeCertificate(dir.resolve("cert.pem")), cert.writeKey(dir.resolve("key.pem")),
                Clock.systemUTC()).sslContext();
        int port = start(tls);
        HttpClient trusting = HttpClient.newBuilder().sslContext(cert.trustingClientContext()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> answer = get(trusting, "https://127.0.0.1:" + port + "/");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("https");
        assertThat(answer.sslSession()).isPresent();
        assertThat(answer.sslSession().get().getPeerCertificates()).containsExactly(cert.certificate());

        assertThatThrownBy(() -> get(trusting, "http://127.0.0.1:" + port + "/")).isInstanceOf(IOException.class);
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> get(untrusting, "https://127.0.0.1:" + port + "/")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void speaksTls13AndTls12Only() throws Exception {
        TestCertificate cert = TestCertificate.ec();
        int port = start(ServerIdentity.read(cert.writeCertificate(dir.resolve("cert.pem")), cert.writeKey(dir.resolve("key.pem")),
                Clock.systemUTC()).sslContext());
        for (String protocol : HttpListeners.TLS_PROTOCOLS) {
            try (SSLSocket socket = (SSLSocket) cert.trustingClientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
    }

    @Test
    void withoutATlsContextServesPlainHttp() throws Exception {
        int port = start(null);
        assertThat(get(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/").body()).isEqualTo("http");
        assertThat(HttpListeners.scheme(null)).isEqualTo("http");
        assertThat(HttpListeners.webSocketScheme(null)).isEqualTo("ws");
    }
}
