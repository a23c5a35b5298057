package dev.herald.schemas;

/**
 * Input from outside Herald (a channel name, an event id, a position) that breaks the rules of
 * the public protocol. The message says what was wrong in words fit to show the client.
 */
public class InvalidInputException extends IllegalArgumentException {

    public InvalidInputException(String message) {
        super(message);
    }
}
