package dev.herald.cli;

import dev.herald.schemas.Event;

/**
 * One event of a channel as {@code herald tail} read it from the log.
 *
 * @param event     the event, mapped from its record as an edge maps it
 * @param partition its record's partition
 * @param offset    its record's offset
 * @param position  its position: the string that resumes a subscriber after this event
 */
record TailedEvent(Event event, int partition, long offset, String position) {
}
