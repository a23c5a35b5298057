package dev.herald.ingest.internal;

import dev.herald.server.http.Problem;

/**
 * One line of an NDJSON batch, read: either an event to publish or the problem with the line.
 *
 * @param number      the 1-based line number
 * @param channel     the channel, valid
 * @param id          the client's event id (an idempotency key), or {@code null}
 * @param type        the event type
 * @param contentType the payload's media type
 * @param payload     the payload bytes
 * @param ephemeral   whether the line asks for the ephemeral lane
 * @param problem     why the line cannot be published, or {@code null}; when set, the other
 *                    fields may be {@code null}
 */
record BatchLine(int number, String channel, String id, String type, String contentType, byte[] payload,
                 boolean ephemeral, Problem problem) {

    static BatchLine invalid(int number, Problem problem) {
        return new BatchLine(number, null, null, null, null, null, false, problem);
    }
}
