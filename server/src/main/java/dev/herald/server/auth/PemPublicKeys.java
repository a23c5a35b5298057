package dev.herald.server.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.herald.schemas.InvalidInputException;

/**
 * Reads the public keys of a PEM file: {@code PUBLIC KEY} blocks (X.509 SubjectPublicKeyInfo,
 * RSA or EC) and {@code CERTIFICATE} blocks (their public key), any number, in any order. With
 * the JDK alone; a private key block is refused, since a verifier must never hold one.
 */
final class PemPublicKeys {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private PemPublicKeys() {
    }

    /**
     * The keys in {@code pem}.
     *
     * @throws InvalidInputException naming the block that is not a public key or certificate, or
     *                               when there is none
     */
    static List<PublicKey> parse(String pem) {
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        int n = 0;
        while (m.find()) {
            n++;
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            try {
                switch (type) {
                    case "PUBLIC KEY" -> keys.add(publicKey(der));
                    case "CERTIFICATE" -> keys.add(CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
                    default -> throw new InvalidInputException("PEM block " + n + " is a " + type
                            + "; only PUBLIC KEY and CERTIFICATE blocks are read (never a private key)");
                }
            } catch (GeneralSecurityException e) {
                throw new InvalidInputException("PEM block " + n + " (" + type + ") cannot be read: " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new InvalidInputException("no PUBLIC KEY or CERTIFICATE block in the PEM text");
        }
        return keys;
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
