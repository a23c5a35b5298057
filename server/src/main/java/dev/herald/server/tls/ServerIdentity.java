package dev.herald.server.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server shows in a TLS handshake: its certificate chain and the private key of the
 * first certificate, read from two PEM files (see {@link PemFiles} for the forms read) and
 * checked together. Immutable.
 *
 * <p>Checks, each a {@link TlsFileException} naming the file or both files:
 * <ul>
 *   <li>the key is the certificate's: a message signed with the key verifies with the
 *       certificate's public key (an EC private key holds no public point to compare with the
 *       certificate's, so a signature is the one test that serves both types);</li>
 *   <li>the server's certificate is valid now: an expired or not yet valid one stops start-up.
 *       Every client would refuse the handshake, so starting would only move the failure from the
 *       operator, at start, to every subscriber, later. Within {@link #EXPIRY_WARNING} of its end
 *       a warning is logged.</li>
 * </ul>
 * An expired intermediate is only logged: chains have carried an expired cross-signature that
 * clients skip on their way to a root they trust, and refusing those would refuse chains that work.
 */
public final class ServerIdentity {

    /** How long before its end the server's certificate is logged as expiring. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private static final Logger LOG = LoggerFactory.getLogger(ServerIdentity.class);
    private static final byte[] PROBE = "herald: the key must be the certificate's".getBytes(StandardCharsets.US_ASCII);

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private ServerIdentity(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /**
     * Reads and checks the chain in {@code certFile} and the key in {@code keyFile}.
     *
     * @param clock what "now" is for the certificate's validity
     * @throws TlsFileException naming the file, or both, and what is wrong
     */
    public static ServerIdentity read(Path certFile, Path keyFile, Clock clock) {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        requireMatch(chain.get(0), key, certFile, keyFile);
        requireValid(chain, certFile, clock.instant());
        return new ServerIdentity(chain, key);
    }

    /** The server's certificate, then its intermediates. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The private key of {@code chain().get(0)}. */
    public PrivateKey key() {
        return key;
    }

    /**
     * A new server-side {@link SSLContext} that presents this identity and asks no certificate
     * of its clients. Which protocol versions it speaks is up to its user: {@link HttpListeners}
     * enables {@link HttpListeners#TLS_PROTOCOLS} only.
     */
    public SSLContext sslContext() {
        // The key store lives in memory only, so its password protects nothing; it is one because
        // PKCS12 requires one.
        char[] password = "herald".toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context of a key and certificate it has read: " + e, e);
        }
    }

    private static void requireMatch(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
        PublicKey publicKey = certificate.getPublicKey();
        String mismatch = "the key in " + keyFile + " is not the key of the first certificate in " + certFile + " ("
                + certificate.getSubjectX500Principal().getName() + ")";
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            throw new TlsFileException(mismatch + ": the key is " + key.getAlgorithm() + ", the certificate's is "
                    + publicKey.getAlgorithm());
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            if (!verifier.verify(signature)) {
                throw new TlsFileException(mismatch + "; when the file holds a chain, the server's certificate comes first");
            }
        } catch (GeneralSecurityException e) {
            // e.g. an EC key on another curve than the certificate's
            throw new TlsFileException(mismatch + ": " + e.getMessage(), e);
        }
    }

    private static void requireValid(List<X509Certificate> chain, Path certFile, Instant now) {
        X509Certificate server = chain.get(0);
        Instant notBefore = server.getNotBefore().toInstant();
        Instant notAfter = server.getNotAfter().toInstant();
        String subject = server.getSubjectX500Principal().getName();
        if (now.isAfter(notAfter)) {
            throw new TlsFileException("the certificate in " + certFile + " (" + subject + ") expired at " + notAfter
                    + "; every client would refuse it: renew it");
        }
        if (now.isBefore(notBefore)) {
            throw new TlsFileException("the certificate in " + certFile + " (" + subject + ") is valid from " + notBefore
                    + " only; every client would refuse it until then (is this machine's clock right?)");
        }
        if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
            LOG.warn("the certificate in {} ({}) expires at {}: renew it and restart", certFile, subject, notAfter);
        }
        for (int i = 1; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (now.isAfter(c.getNotAfter().toInstant())) {
                LOG.warn("certificate {} in {} ({}) expired at {}; clients that need it to reach a root they trust will refuse "
                        + "the chain", i + 1, certFile, c.getSubjectX500Principal().getName(), c.getNotAfter().toInstant());
            }
        }
    }
}
