package dev.herald.fanout;

/**
 * The edge's RocksDB store could not read or write (disk full, I/O error, closed). The consumer
 * treats it as retriable: it stops committing, reports not-ready, and tries again.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
