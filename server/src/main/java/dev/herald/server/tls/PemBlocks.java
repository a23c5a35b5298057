package dev.herald.server.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file (RFC 7468): {@code -----BEGIN LABEL-----}, a base64 body,
 * {@code -----END LABEL-----}. Text between blocks (the "Bag Attributes" or certificate dumps
 * that openssl writes) is skipped, as other PEM readers do.
 */
final class PemBlocks {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");

    /**
     * One block.
     *
     * @param file   the file it is in
     * @param number its place in the file, from 1
     * @param label  what the BEGIN line names, e.g. {@code CERTIFICATE} or {@code PRIVATE KEY}
     * @param body   the text between the BEGIN and END lines, not yet decoded
     */
    record Block(Path file, int number, String label, String body) {

        /**
         * The block's bytes (DER).
         *
         * @throws TlsFileException if the body is not base64 alone (e.g. a legacy encrypted key's headers)
         */
        byte[] der() {
            if (!BASE64.matcher(body).matches()) {
                throw new TlsFileException(this + " holds something other than base64");
            }
            try {
                return Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new TlsFileException(this + " is not valid base64: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "block " + number + " (" + label + ") of " + file;
        }
    }

    private PemBlocks() {
    }

    /**
     * The blocks of {@code file}, in order; never empty.
     *
     * @param what what the file is for, in the messages (e.g. "the certificate file")
     * @throws TlsFileException if the file is missing, unreadable, empty, holds no PEM block, or a
     *                          BEGIN line without its END line
     */
    static List<Block> read(Path file, String what) {
        String text = new String(bytes(file, what), StandardCharsets.US_ASCII);
        if (text.isBlank()) {
            throw new TlsFileException(what + " " + file + " is empty");
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(file, blocks.size() + 1, m.group(1), m.group(2)));
        }
        long begins = BEGIN.matcher(text).results().count();
        if (begins == 0) {
            throw new TlsFileException(what + " " + file + " is not PEM: it has no -----BEGIN ...----- line"
                    + " (a binary DER file converts with openssl x509 -inform der or openssl pkcs8 -inform der)");
        }
        if (begins != blocks.size()) {
            throw new TlsFileException(what + " " + file + " has " + begins + " BEGIN lines but " + blocks.size()
                    + " complete blocks: a block lacks its -----END ...----- line, or its END names another label");
        }
        return blocks;
    }

    private static byte[] bytes(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(what + " " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(what + " " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new TlsFileException(what + " " + file + " cannot be read: " + e, e);
        }
    }
}
