package dev.herald.schemas;

/**
 * A log record that cannot be read as an event (no key, a key that is not a channel name, an
 * unreadable header). Edges count such a record and skip it; they never stop its partition.
 */
public class MalformedRecordException extends RuntimeException {

    public MalformedRecordException(String message) {
        super(message);
    }
}
