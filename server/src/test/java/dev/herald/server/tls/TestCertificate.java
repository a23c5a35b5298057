package dev.herald.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate made for a test, and its key: for {@code 127.0.0.1} and {@code localhost}
 * (subjectAltName), valid from an hour ago for 30 days unless asked otherwise, self-signed unless
 * issued by another. Written as PEM in the forms servers meet (PKCS#8, PKCS#1 or SEC 1,
 * encrypted), and trusted by the client context {@link #trustingClientContext()} gives.
 *
 * <p>Bouncy Castle builds the certificate and writes the forms the JDK cannot (its provider, given
 * to the encryptor alone, pads AES as PKCS#8 encryption wants); the keys and signatures are the JDK's.
 */
public final class TestCertificate {

    /** How long a certificate is valid unless asked otherwise: past ServerIdentity's expiry warning. */
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificate(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A self-signed RSA (2048-bit) certificate for 127.0.0.1 and localhost, valid now. */
    public static TestCertificate rsa() {
        return selfSigned("RSA", Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(VALIDITY));
    }

    /** A self-signed EC (P-256) certificate for 127.0.0.1 and localhost, valid now. */
    public static TestCertificate ec() {
        return selfSigned("EC", Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(VALIDITY));
    }

    /** A self-signed certificate with a new {@code keyAlgorithm} ("RSA" or "EC") key, valid between the two instants. */
    public static TestCertificate selfSigned(String keyAlgorithm, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeys(keyAlgorithm);
        return new TestCertificate(keys, build(keys, "CN=localhost", keys, "CN=localhost", notBefore, notAfter, false));
    }

    /** A certificate authority (self-signed, CA flag set) to issue others with {@link #issue}. */
    public static TestCertificate authority(String keyAlgorithm) {
        KeyPair keys = newKeys(keyAlgorithm);
        Instant now = Instant.now();
        return new TestCertificate(keys, build(keys, "CN=Herald Test CA", keys, "CN=Herald Test CA",
                now.minus(Duration.ofHours(1)), now.plus(VALIDITY), true));
    }

    /** A server certificate for 127.0.0.1 and localhost with a new RSA key, issued by this authority. */
    public TestCertificate issue() {
        KeyPair server = newKeys("RSA");
        Instant now = Instant.now();
        return new TestCertificate(server, build(server, "CN=localhost", keys, certificate.getSubjectX500Principal().getName(),
                now.minus(Duration.ofHours(1)), now.plus(VALIDITY), false));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /** The certificate's {@code CERTIFICATE} block. */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as unencrypted PKCS#8: {@code PRIVATE KEY}. */
    public String pkcs8KeyPem() {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** The key in openssl's traditional form: {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC 1). */
    public String traditionalKeyPem() {
        return openssl(keys.getPrivate());
    }

    /** The key as encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}) under {@code passphrase}. */
    public String encryptedKeyPem(String passphrase) {
        try {
            return openssl(new JcaPKCS8Generator(keys.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword(passphrase.toCharArray()).build()));
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #certificatePem()} to {@code file}; returns it. */
    public Path writeCertificate(Path file) {
        return TestCertificate.write(file, certificatePem());
    }

    /** Writes {@link #pkcs8KeyPem()} to {@code file}; returns it. */
    public Path writeKey(Path file) {
        return TestCertificate.write(file, pkcs8KeyPem());
    }

    /** Writes {@code text} to {@code file}; returns it. */
    public static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client TLS context that trusts this certificate alone (and what it issued). */
    public SSLContext trustingClientContext() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("test", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(KeyPair subjectKeys, String subject, KeyPair issuerKeys, String issuer,
            Instant notBefore, Instant notAfter, boolean authority) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), new X500Name(subject),
                    subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (!authority) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            String signature = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signature).build(issuerKeys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static String openssl(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
