package dev.herald.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HMAC secret of {@code ./herald dev --auth}: made once (256 random bits), kept in the dev
 * data folder readable by its owner only, so that tokens minted with {@code ./herald token} stay
 * valid across restarts, and so that {@code ./herald token} finds it without being told.
 */
final class DevSecret {

    /** The file, inside the dev data folder. */
    static final String FILE = "auth.secret";

    private DevSecret() {
    }

    /** The secret kept in {@code dataDir}, made first if there is none. */
    static String loadOrCreate(Path dataDir) {
        String existing = load(dataDir);
        if (existing != null) {
            return existing;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps its default permissions
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dev secret to " + file + ": " + e.getMessage(), e);
        }
        return secret;
    }

    /** The secret kept in {@code dataDir}, or {@code null} when there is none. */
    static String load(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return secret.isEmpty() ? null : secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dev secret in " + file + ": " + e.getMessage(), e);
        }
    }
}
