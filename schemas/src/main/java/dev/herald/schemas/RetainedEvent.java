package dev.herald.schemas;

import java.util.Objects;

/**
 * A channel's latest event as the streams service retains it in {@code herald.latest}: the event
 * itself and where it is in the log, so that an edge can send it as an event frame (with
 * {@link FrameCodec#eventFrame}) and then continue live from the record after it, with no gap and
 * no repeat.
 *
 * @param event    the event, as {@link RecordMapping#event} read it from the log
 * @param position the event's record in the log: the log's epoch when it was read, its
 *                 partition and its offset
 */
public record RetainedEvent(Event event, Position position) {

    public RetainedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(position, "position");
        if (position.offset() < 0) {
            throw new IllegalArgumentException("a retained event is a record of the log: offset must be >= 0, was " + position.offset());
        }
    }
}
