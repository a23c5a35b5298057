package dev.herald.cli;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How {@code herald lag} prints a sample: an aligned table for people, or one JSON document on
 * one line for scripts (so that {@code --watch --json} is NDJSON).
 *
 * <pre>
 * {"time":"2026-01-21T10:00:00Z","topic":"herald.events","edges":[{"edge":"dev","group":"herald-edge-dev",
 *  "state":"Stable","members":1,"lag":5,"lagMs":1250,"partitions":[{"partition":0,"committed":12,"logEnd":17,
 *  "lag":5,"lagMs":1250}, ...]}]}
 * </pre>
 *
 * A partition the group has committed nothing for has {@code "committed":null,"lag":null,"lagMs":null}
 * (the table prints {@code -}, as Kafka's tool does). Thread-safe; all methods are static.
 */
final class LagFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LagFormat() {
    }

    /** One row per edge and partition: EDGE STATE MEMBERS PARTITION COMMITTED LOG-END LAG LAG-TIME. */
    static String table(List<EdgeLag> edges) {
        TextTable table = new TextTable("EDGE", "STATE", "MEMBERS", "PARTITION", "COMMITTED", "LOG-END", "LAG", "LAG-TIME");
        for (EdgeLag e : edges) {
            for (EdgeLag.PartitionLag p : e.partitions()) {
                table.row(e.edgeId(), e.state(), e.members(), p.partition(), orDash(p.committed()), p.logEnd(), orDash(p.lag()),
                        p.lagMs() == null ? "-" : age(p.lagMs()));
            }
        }
        return table.toString();
    }

    /** The sample as one line of JSON. */
    static String json(Instant at, String topic, List<EdgeLag> edges) {
        ObjectNode root = JSON.createObjectNode();
        root.put("time", at.toString());
        root.put("topic", topic);
        ArrayNode list = root.putArray("edges");
        for (EdgeLag e : edges) {
            ObjectNode edge = list.addObject();
            edge.put("edge", e.edgeId());
            edge.put("group", e.groupId());
            edge.put("state", e.state());
            edge.put("members", e.members());
            edge.put("lag", e.lag());
            edge.put("lagMs", e.lagMs());
            ArrayNode partitions = edge.putArray("partitions");
            for (EdgeLag.PartitionLag p : e.partitions()) {
                ObjectNode row = partitions.addObject();
                row.put("partition", p.partition());
                row.put("committed", p.committed());
                row.put("logEnd", p.logEnd());
                row.put("lag", p.lag());
                row.put("lagMs", p.lagMs());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a JSON tree in memory failed", e);
        }
    }

    /** A duration for people: {@code 0s}, {@code 850ms}, {@code 12.3s}, {@code 5m02s}, {@code 2h03m}, {@code 3d04h}. */
    static String age(long ms) {
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1_000.0);
        }
        long s = ms / 1_000;
        if (s < 3_600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3_600, s % 3_600 / 60);
        }
        return String.format(java.util.Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3_600);
    }

    private static String orDash(Long value) {
        return value == null ? "-" : value.toString();
    }
}
