package dev.herald.server.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.herald.server.tls.PemBlocks.Block;

/**
 * Reads a certificate chain and a private key from PEM files, with the JDK alone.
 *
 * <p>Only the unencrypted PKCS#8 form of a key ({@code BEGIN PRIVATE KEY}, RSA or EC) is read:
 * it is what the JDK reads, and {@value #CONVERT} turns any other form (PKCS#1
 * {@code BEGIN RSA PRIVATE KEY}, SEC 1 {@code BEGIN EC PRIVATE KEY}, an encrypted key) into it.
 * Reading those forms too would take a parser of their ASN.1 (Bouncy Castle's) onto every
 * service's class path for what one openssl command does once; so a key in another form is
 * refused with that command instead.
 *
 * <p>A key block in the certificate file and certificate blocks in the key file are skipped, so
 * that one file holding both (as some tools write them) may be named for both.
 */
final class PemFiles {

    /** The command that converts a private key of any form openssl reads into unencrypted PKCS#8. */
    static final String CONVERT = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem";

    private static final String PKCS8 = "PRIVATE KEY";
    private static final Set<String> OTHER_KEY_FORMS = Set.of("RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY");
    /** What openssl ecparam -genkey writes before an EC PRIVATE KEY block. */
    private static final String EC_PARAMETERS = "EC PARAMETERS";

    private PemFiles() {
    }

    /**
     * The certificates of {@code file}, in file order: the server's own first, then the
     * intermediates that lead to a trusted root.
     *
     * @throws TlsFileException naming the file and what is wrong with it
     */
    static List<X509Certificate> certificates(Path file) {
        String what = "the certificate file";
        List<X509Certificate> chain = new ArrayList<>();
        boolean sawKey = false;
        for (Block block : PemBlocks.read(file, what)) {
            if (block.label().equals("CERTIFICATE")) {
                chain.add(certificate(block));
            } else if (isPrivateKey(block.label())) {
                sawKey = true;
            } else {
                throw new TlsFileException(block + " is not a certificate: " + what
                        + " holds CERTIFICATE blocks, the server's certificate first, then its intermediates");
            }
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(what + " " + file + " holds no CERTIFICATE block"
                    + (sawKey ? " but a private key: are the certificate and key files swapped?" : ""));
        }
        return chain;
    }

    /**
     * The one private key of {@code file}: RSA or EC, unencrypted PKCS#8.
     *
     * @throws TlsFileException naming the file and what is wrong with it; for a key of another
     *                          form, with {@value #CONVERT}
     */
    static PrivateKey privateKey(Path file) {
        String what = "the key file";
        List<Block> keys = new ArrayList<>();
        boolean sawCertificate = false;
        for (Block block : PemBlocks.read(file, what)) {
            String label = block.label();
            if (label.equals(PKCS8)) {
                keys.add(block);
            } else if (OTHER_KEY_FORMS.contains(label)) {
                throw new TlsFileException(block + " is a key in a form Herald does not read; Herald reads unencrypted "
                        + "PKCS#8 (BEGIN PRIVATE KEY). Convert it with: " + convert(file)
                        + (label.startsWith("ENCRYPTED") ? " (which asks for its passphrase; keep the result readable by Herald only)" : ""));
            } else if (label.equals("CERTIFICATE")) {
                sawCertificate = true;
            } else if (!label.equals(EC_PARAMETERS)) {
                throw new TlsFileException(block + " is not a private key: " + what + " holds one PRIVATE KEY block");
            }
        }
        if (keys.isEmpty()) {
            throw new TlsFileException(what + " " + file + " holds no PRIVATE KEY block"
                    + (sawCertificate ? " but certificates: are the certificate and key files swapped?" : ""));
        }
        if (keys.size() > 1) {
            throw new TlsFileException(what + " " + file + " holds " + keys.size() + " private keys; it must hold one, "
                    + "the key of the server's certificate");
        }
        return pkcs8(keys.get(0));
    }

    /** {@link #CONVERT} for {@code file}: the PKCS#8 key goes beside it. */
    static String convert(Path file) {
        String name = file.getFileName().toString();
        String pk8 = (name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name) + ".pk8.pem";
        return "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file.resolveSibling(pk8);
    }

    private static boolean isPrivateKey(String label) {
        return label.equals(PKCS8) || OTHER_KEY_FORMS.contains(label);
    }

    private static X509Certificate certificate(Block block) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(block.der()));
        } catch (CertificateException e) {
            throw new TlsFileException(block + " is not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(Block block) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(block.der());
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not of this algorithm: try the next
            }
        }
        throw new TlsFileException(block + " is not an RSA or EC private key in PKCS#8 form");
    }
}
