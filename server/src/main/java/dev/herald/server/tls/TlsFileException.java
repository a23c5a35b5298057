package dev.herald.server.tls;

/**
 * A certificate or key file that cannot serve TLS: missing, unreadable, empty, not PEM, of a
 * form Herald does not read, a key that is not the certificate's, an expired certificate. The
 * message names the file (or both files) and, where there is one, the fix.
 */
public final class TlsFileException extends RuntimeException {

    public TlsFileException(String message) {
        super(message);
    }

    public TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
