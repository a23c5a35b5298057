package dev.herald.ingest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A durable event acknowledged by all in-sync replicas: where it is in the log.
 *
 * @param id        the event id
 * @param channel   the channel
 * @param position  the encoded position of the event
 * @param partition the partition it was written to
 * @param offset    its offset in that partition
 */
public record Published(String id, String channel, String position, int partition, long offset) {

    /** The 201 body: {@code {"id","channel","position","partition","offset"}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("channel", channel);
        m.put("position", position);
        m.put("partition", partition);
        m.put("offset", offset);
        return m;
    }
}
