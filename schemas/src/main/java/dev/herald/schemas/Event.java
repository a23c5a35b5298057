package dev.herald.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * One published event, as ingest accepts it and as edges deliver it.
 *
 * @param id          the event id (see {@link EventId}); edges deduplicate by it
 * @param channel     the channel (see {@link ChannelName}); the Kafka record key
 * @param type        the CloudEvents {@code type}, e.g. {@code herald.event}
 * @param source      the CloudEvents {@code source}: who accepted the event, e.g. {@code herald://ingest/host-1}
 * @param time        when it was accepted
 * @param contentType the payload's media type, or {@code null} when unknown
 * @param payload     the payload bytes exactly as published; not copied, so callers must not
 *                    change the array after handing it over
 */
public record Event(String id, String channel, String type, String source, Instant time,
                    String contentType, byte[] payload) {

    /** The CloudEvents type used when a publisher names none. */
    public static final String DEFAULT_TYPE = "herald.event";

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(payload, "payload");
    }
}
