package dev.herald.schemas.ephemeral;

import java.util.Objects;
import java.util.UUID;

import dev.herald.schemas.Event;

/**
 * One ephemeral event on the multicast lane, as {@link DatagramCodec} writes and reads it.
 *
 * @param sender   the sending process (ingest or edge), a random id it picks at start
 * @param sequence the sender's count of datagrams before this one: receivers find replays and
 *                 losses from it
 * @param event    the event; its {@code type} and {@code source} are not carried (an ephemeral
 *                 event's frame shows neither), so the decoded event has {@link Event#DEFAULT_TYPE}
 *                 and the sender as its source
 */
public record EphemeralDatagram(UUID sender, long sequence, Event event) {

    public EphemeralDatagram {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(event, "event");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative: " + sequence);
        }
    }

    /** The source given to decoded events: {@code herald://ephemeral/<sender>}. */
    static String sourceOf(UUID sender) {
        return "herald://ephemeral/" + sender;
    }
}
