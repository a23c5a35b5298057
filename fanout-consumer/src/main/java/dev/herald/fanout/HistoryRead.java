package dev.herald.fanout;

import java.util.List;

/**
 * What the local history holds of a channel after a position.
 *
 * @param complete whether {@code frames} are every event of the channel after the position
 *                 (then a resume can be served from them alone); when {@code false} the caller
 *                 must read the Kafka log instead
 * @param frames   the stored events after the position, in offset order, at most the limit asked
 */
public record HistoryRead(boolean complete, List<StoredFrame> frames) {
}
