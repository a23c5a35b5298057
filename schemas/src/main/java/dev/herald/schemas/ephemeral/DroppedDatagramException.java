package dev.herald.schemas.ephemeral;

/** A datagram a receiver must drop, and why. */
public final class DroppedDatagramException extends Exception {

    private final DropReason reason;

    public DroppedDatagramException(DropReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DropReason reason() {
        return reason;
    }
}
