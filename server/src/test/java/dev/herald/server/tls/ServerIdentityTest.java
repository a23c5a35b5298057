package dev.herald.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a certificate chain and its key from PEM files: the forms read, and each way the files can be wrong. */
class ServerIdentityTest {

    private static final Clock NOW = Clock.systemUTC();

    private static TestCertificate rsa;
    private static TestCertificate ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() {
        rsa = TestCertificate.rsa();
        ec = TestCertificate.ec();
    }

    private Path file(String name, String text) {
        return TestCertificate.write(dir.resolve(name), text);
    }

    private ServerIdentity read(String certText, String keyText) {
        return ServerIdentity.read(file("cert.pem", certText), file("key.pem", keyText), NOW);
    }

    @Test
    void readsAnRsaCertificateAndItsPkcs8Key() {
        ServerIdentity identity = read(rsa.certificatePem(), rsa.pkcs8KeyPem());
        assertThat(identity.chain()).containsExactly(rsa.certificate());
        assertThat(identity.key()).isEqualTo(rsa.privateKey());
        assertThat(identity.sslContext().getProtocol()).isEqualTo("TLS");
    }

    @Test
    void readsAnEcCertificateAndItsPkcs8Key() {
        ServerIdentity identity = read(ec.certificatePem(), ec.pkcs8KeyPem());
        assertThat(identity.chain()).containsExactly(ec.certificate());
        assertThat(identity.key().getAlgorithm()).isEqualTo("EC");
        assertThat(identity.sslContext()).isNotNull();
    }

    @Test
    void readsAChainServerCertificateFirstAndSkipsTextBetweenBlocks() {
        TestCertificate authority = TestCertificate.authority("EC");
        TestCertificate server = authority.issue();
        String fullChain = "Bag Attributes\n    friendlyName: server\nsubject=CN=localhost\n" + server.certificatePem()
                + "\nsubject=CN=Herald Test CA\n" + authority.certificatePem();
        ServerIdentity identity = read(fullChain, server.pkcs8KeyPem());
        assertThat(identity.chain()).containsExactly(server.certificate(), authority.certificate());
    }

    @Test
    void oneFileHoldingTheCertificateAndTheKeyMayBeNamedForBoth() {
        Path both = file("both.pem", rsa.pkcs8KeyPem() + rsa.certificatePem());
        assertThat(ServerIdentity.read(both, both, NOW).chain()).containsExactly(rsa.certificate());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
        TestCertificate other = TestCertificate.rsa();
        assertThatThrownBy(() -> read(rsa.certificatePem(), other.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining(dir.resolve("cert.pem").toString())
                .hasMessageContaining(dir.resolve("key.pem").toString())
                .hasMessageContaining("is not the key of the first certificate");
    }

    @Test
    void anEcKeyForAnRsaCertificateIsRefusedSayingBothTypes() {
        assertThatThrownBy(() -> read(rsa.certificatePem(), ec.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("is not the key of the first certificate")
                .hasMessageContaining("the key is EC, the certificate's is RSA");
    }

    @Test
    void aChainWhoseFirstCertificateIsNotTheServersIsRefused() {
        TestCertificate authority = TestCertificate.authority("RSA");
        TestCertificate server = authority.issue();
        assertThatThrownBy(() -> read(authority.certificatePem() + server.certificatePem(), server.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("when the file holds a chain, the server's certificate comes first");
    }

    @Test
    void aPkcs1RsaKeyIsRefusedWithTheCommandThatConvertsIt() {
        assertThat(rsa.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThatThrownBy(() -> read(rsa.certificatePem(), rsa.traditionalKeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("RSA PRIVATE KEY")
                .hasMessageContaining("Convert it with: openssl pkcs8 -topk8 -nocrypt -in " + dir.resolve("key.pem") + " -out "
                        + dir.resolve("key.pk8.pem"));
    }

    @Test
    void aSec1EcKeyIsRefusedWithTheCommandThatConvertsIt() {
        assertThat(ec.traditionalKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThatThrownBy(() -> read(ec.certificatePem(), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + ec.traditionalKeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("EC PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + dir.resolve("key.pem"));
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() {
        String encrypted = rsa.encryptedKeyPem("correct horse");
        assertThat(encrypted).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThatThrownBy(() -> read(rsa.certificatePem(), encrypted))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("ENCRYPTED PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + dir.resolve("key.pem"))
                .hasMessageContaining("passphrase");
    }

    @Test
    void aFileWithoutPemBlocksIsRefusedAsNotPem() throws Exception {
        assertThatThrownBy(() -> read("hello, I am not a certificate\n", rsa.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("the certificate file " + dir.resolve("cert.pem") + " is not PEM");
        Path der = Files.write(dir.resolve("key.der"), rsa.privateKey().getEncoded());
        assertThatThrownBy(() -> ServerIdentity.read(file("cert.pem", rsa.certificatePem()), der, NOW))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("the key file " + der + " is not PEM");
    }

    @Test
    void garbageInsideABlockIsRefusedNamingTheBlock() {
        assertThatThrownBy(() -> read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", rsa.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("block 1 (CERTIFICATE) of " + dir.resolve("cert.pem") + " is not an X.509 certificate");
        assertThatThrownBy(() -> read(rsa.certificatePem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("block 1 (PRIVATE KEY) of " + dir.resolve("key.pem") + " is not an RSA or EC private key");
        assertThatThrownBy(() -> read(rsa.certificatePem(), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("holds something other than base64");
    }

    @Test
    void aBlockWithoutItsEndLineIsRefused() {
        String cut = rsa.certificatePem().substring(0, rsa.certificatePem().indexOf("-----END"));
        assertThatThrownBy(() -> read(cut, rsa.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("has 1 BEGIN lines but 0 complete blocks");
    }

    @Test
    void swappedFilesAreCalledSwapped() {
        assertThatThrownBy(() -> read(rsa.pkcs8KeyPem(), rsa.certificatePem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("are the certificate and key files swapped?");
    }

    @Test
    void aKeyFileWithTwoKeysIsRefused() {
        assertThatThrownBy(() -> read(rsa.certificatePem(), rsa.pkcs8KeyPem() + ec.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("holds 2 private keys");
    }

    @Test
    void aPublicKeyInTheCertificateFileIsRefused() {
        String publicKey = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                rsa.certificate().getPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> read(publicKey, rsa.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("block 1 (PUBLIC KEY)")
                .hasMessageContaining("is not a certificate");
    }

    @Test
    void missingEmptyAndUnreadableFilesAreRefusedNamingTheFile() throws Exception {
        Path key = file("key.pem", rsa.pkcs8KeyPem());
        Path missing = dir.resolve("nowhere.pem");
        assertThatThrownBy(() -> ServerIdentity.read(missing, key, NOW))
                .isInstanceOf(TlsFileException.class)
                .hasMessage("the certificate file " + missing + " does not exist");
        Path empty = file("empty.pem", "\n");
        assertThatThrownBy(() -> ServerIdentity.read(file("cert.pem", rsa.certificatePem()), empty, NOW))
                .isInstanceOf(TlsFileException.class)
                .hasMessage("the key file " + empty + " is empty");
        assertThatThrownBy(() -> ServerIdentity.read(dir, key, NOW))
                .isInstanceOf(TlsFileException.class)
                .hasMessageStartingWith("the certificate file " + dir + " cannot be read");
        Path locked = file("locked.pem", rsa.certificatePem());
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(locked)) { // root reads any file
            assertThatThrownBy(() -> ServerIdentity.read(locked, key, NOW))
                    .isInstanceOf(TlsFileException.class)
                    .hasMessage("the certificate file " + locked + " cannot be read: permission denied");
        }
    }

    @Test
    void anExpiredCertificateIsRefused() {
        Instant end = rsa.certificate().getNotAfter().toInstant();
        Clock later = Clock.fixed(end.plusSeconds(1), ZoneOffset.UTC);
        assertThatThrownBy(() -> ServerIdentity.read(file("cert.pem", rsa.certificatePem()), file("key.pem", rsa.pkcs8KeyPem()), later))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining(dir.resolve("cert.pem").toString())
                .hasMessageContaining("expired at " + end);
    }

    @Test
    void aCertificateNotYetValidIsRefused() {
        TestCertificate future = TestCertificate.selfSigned("EC", Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(2)));
        assertThatThrownBy(() -> read(future.certificatePem(), future.pkcs8KeyPem()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining("is valid from " + future.certificate().getNotBefore().toInstant() + " only");
    }

    @Test
    void aCertificateEndingSoonIsStillServed() {
        TestCertificate soon = TestCertificate.selfSigned("EC", Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(2)));
        assertThat(read(soon.certificatePem(), soon.pkcs8KeyPem()).chain()).hasSize(1);
    }
}
