package dev.herald.schemas;

import java.util.Objects;

/**
 * One Kafka record header, without depending on the Kafka client library.
 *
 * @param key   the header name
 * @param value the header value bytes; may be {@code null}, as Kafka allows
 */
public record HeaderField(String key, byte[] value) {

    public HeaderField {
        Objects.requireNonNull(key, "key");
    }
}
