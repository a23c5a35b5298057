package dev.herald.edge.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.fanout.ReplayRange;
import dev.herald.schemas.ChannelName;

/**
 * What {@code POST /admin/replay} asks of an edge:
 *
 * <pre>{"edge":"dev","topic":"herald.events","mode":"history"|"redeliver","channel":"c",
 *  "ranges":[{"partition":0,"from":120,"to":340}, ...]}</pre>
 *
 * {@code edge} and {@code topic} are optional checks (the edge refuses a request meant for
 * another edge or log); {@code channel} is optional (every channel of the ranges otherwise).
 *
 * @param edge    the edge id the request is meant for, or {@code null}
 * @param topic   the log topic the ranges are of, or {@code null}
 * @param mode    how to replay
 * @param channel the one channel to replay, or {@code null}
 * @param ranges  the ranges, one per partition at most
 */
record ReplayRequest(String edge, String topic, Mode mode, String channel, List<ReplayRange> ranges) {

    /** What a replay does with the records it reads again. */
    enum Mode {
        /** Rebuild the store: dedup index and history; nothing is delivered. */
        HISTORY,
        /** Send them again to the channel's live subscribers, marked {@code "replayed":true}. */
        REDELIVER;

        /** The name on the wire and in metric tags. */
        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Reads a request.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static ReplayRequest parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object: {\"mode\":\"history\",\"ranges\":[{\"partition\":0,"
                    + "\"from\":0,\"to\":10}]}");
        }
        String modeText = text(json, "mode");
        Mode mode;
        if (modeText == null) {
            throw new IllegalArgumentException("mode is missing: history or redeliver");
        }
        try {
            mode = Mode.valueOf(modeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode '" + modeText + "' is unknown: history or redeliver");
        }
        String channel = text(json, "channel");
        if (channel != null) {
            String violation = ChannelName.violation(channel);
            if (violation != null) {
                throw new IllegalArgumentException("channel: " + violation);
            }
        }
        JsonNode rangesJson = json.get("ranges");
        if (rangesJson == null || !rangesJson.isArray() || rangesJson.isEmpty()) {
            throw new IllegalArgumentException("ranges must be a non-empty array of {\"partition\",\"from\",\"to\"}");
        }
        List<ReplayRange> ranges = new ArrayList<>();
        for (JsonNode r : rangesJson) {
            long partition = number(r, "partition");
            long from = number(r, "from");
            long to = number(r, "to");
            if (partition > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("partition " + partition + " is out of range");
            }
            if (ranges.stream().anyMatch(known -> known.partition() == partition)) {
                throw new IllegalArgumentException("partition " + partition + " has two ranges: give one per partition");
            }
            ranges.add(new ReplayRange((int) partition, from, to));
        }
        return new ReplayRequest(text(json, "edge"), text(json, "topic"), mode, channel, List.copyOf(ranges));
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asText();
    }

    private static long number(JsonNode range, String field) {
        JsonNode v = range == null ? null : range.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException("each range needs " + field + " as a whole number >= 0: " + range);
        }
        return v.asLong();
    }

    /** Offsets in all ranges. */
    long offsets() {
        return ranges.stream().mapToLong(ReplayRange::offsets).sum();
    }
}
