package dev.herald.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {

    @TempDir
    Path dir;

    private static AbstractConfig config(Map<String, String> values) {
        return new AbstractConfig(TlsConfig.define(new ConfigDef()), values);
    }

    @Test
    void bothKeysEmptyIsPlainHttp() {
        assertThat(TlsConfig.read(config(Map.of()))).isNull();
        assertThat(TlsConfig.read(config(Map.of(TlsConfig.CERT_FILE, "", TlsConfig.KEY_FILE, " ")))).isNull();
    }

    @Test
    void bothKeysSetGiveATlsContext() {
        TestCertificate cert = TestCertificate.ec();
        Path certFile = cert.writeCertificate(dir.resolve("cert.pem"));
        Path keyFile = cert.writeKey(dir.resolve("key.pem"));
        assertThat(TlsConfig.read(config(Map.of(TlsConfig.CERT_FILE, certFile.toString(), TlsConfig.KEY_FILE, keyFile.toString()))))
                .isNotNull();
    }

    @Test
    void oneKeyWithoutTheOtherNamesBoth() {
        assertThatThrownBy(() -> TlsConfig.read(config(Map.of(TlsConfig.CERT_FILE, "/etc/herald/cert.pem"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.tls.cert.file and http.tls.key.file are set together or not at all; only "
                        + "http.tls.cert.file=/etc/herald/cert.pem is set");
        assertThatThrownBy(() -> TlsConfig.read(config(Map.of(TlsConfig.KEY_FILE, "/etc/herald/key.pem"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only http.tls.key.file=/etc/herald/key.pem is set");
    }

    @Test
    void unusableFilesAreAConfigExceptionNamingKeysAndFiles() {
        TestCertificate cert = TestCertificate.rsa();
        Path certFile = cert.writeCertificate(dir.resolve("cert.pem"));
        Path keyFile = TestCertificate.write(dir.resolve("key.pem"), cert.traditionalKeyPem());
        assertThatThrownBy(() -> TlsConfig.read(config(Map.of(TlsConfig.CERT_FILE, certFile.toString(), TlsConfig.KEY_FILE, keyFile.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("http.tls.cert.file=" + certFile + ", http.tls.key.file=" + keyFile + ": ")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void everyKeyHasADoc() {
        ConfigDef def = TlsConfig.define(new ConfigDef());
        assertThat(def.names()).containsExactlyInAnyOrderElementsOf(TlsConfig.KEYS);
        def.configKeys().values().forEach(key -> assertThat(key.documentation).as(key.name).isNotBlank());
    }
}
