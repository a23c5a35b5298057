package dev.herald.edge.internal;

import static dev.herald.server.admin.StatusMaps.ordered;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.herald.fanout.FanoutConsumer;
import dev.herald.server.admin.MeterSampler;
import dev.herald.server.admin.MeterWindow;

/**
 * An edge's figures for its admin page ({@code /admin/status}), from its own meters over the
 * sampler's last few seconds: connections, subscriptions, deliveries and egress bytes a second,
 * slow-consumer closes and drops, lag per partition (records and seconds), the store and
 * consumer's health, replay progress (when the edge exports it), the delivery auditor's verdicts
 * per edge (when an auditor runs in this process, as in dev mode) and the busiest channels.
 * Never blocks: it reads samples and counters only.
 */
final class EdgeStatus {

    private final String edgeId;
    private final FanoutConsumer consumer;
    private final ChannelTally tally;
    private final MeterSampler sampler;

    EdgeStatus(String edgeId, FanoutConsumer consumer, ChannelTally tally, MeterSampler sampler) {
        this.edgeId = edgeId;
        this.consumer = consumer;
        this.tally = tally;
        this.sampler = sampler;
    }

    /** The status, as the admin page reads it (see the page's {@code edge} function). */
    Map<String, Object> status() {
        MeterWindow w = sampler.window();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("service", "edge");
        s.put("id", edgeId);
        String notReady = consumer.notReadyReason();
        s.put("ready", notReady == null);
        s.put("notReadyReason", notReady);
        s.put("windowSeconds", w.seconds());
        double ws = orZero(w.gauge("herald.edge.connections", "protocol", "ws"));
        double sse = orZero(w.gauge("herald.edge.connections", "protocol", "sse"));
        s.put("connections", ordered("ws", ws, "sse", sse, "total", ws + sse));
        s.put("subscriptions", orZero(w.gauge("herald.edge.subscriptions")));
        s.put("deliveriesPerSecond", w.rate("herald.edge.deliveries"));
        s.put("egressBytesPerSecond", w.rate("herald.edge.egress"));
        s.put("slowConsumerCloses", ordered("total", w.total("herald.edge.slow.consumer.closes"),
                "perSecond", w.rate("herald.edge.slow.consumer.closes")));
        s.put("drops", ordered("ephemeralSkipped", w.total("herald.edge.ephemeral.skipped", "reason", "queue"),
                "ephemeralSkippedPerSecond", w.rate("herald.edge.ephemeral.skipped", "reason", "queue"),
                "datagramsDropped", w.total("herald.ephemeral.dropped"),
                "datagramsLost", w.total("herald.ephemeral.lost")));
        s.put("partitions", partitions(w));
        s.put("store", ordered("ready", notReady == null, "storeFailures", w.total("herald.edge.store.failures"),
                "commitFailures", w.total("herald.edge.commit.failures"), "consumerFailures", w.total("herald.edge.consumer.failures")));
        s.put("replay", w.has("herald.edge.replay.backlog") ? ordered("backlogRecords", orZero(w.gauge("herald.edge.replay.backlog")),
                "recordsPerSecond", w.rate("herald.edge.replay.records")) : null);
        s.put("auditor", auditor(w));
        s.put("busiestChannels", busiest(w));
        return s;
    }

    private static List<Map<String, Object>> partitions(MeterWindow w) {
        Map<String, Double> seconds = w.gaugesBy("herald.edge.consumer.lag.seconds", "partition");
        List<Map<String, Object>> list = new ArrayList<>();
        w.gaugesBy("herald.edge.consumer.lag", "partition").entrySet().stream()
                .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))))
                .forEach(e -> list.add(ordered("partition", Integer.parseInt(e.getKey()), "lagRecords", e.getValue(),
                        "lagSeconds", seconds.get(e.getKey()))));
        return list;
    }

    private static List<Map<String, Object>> auditor(MeterWindow w) {
        List<Map<String, Object>> edges = new ArrayList<>();
        w.gaugesBy("herald.audit.connected", "edge").forEach((edge, connected) -> edges.add(ordered(
                "edge", edge, "connected", connected >= 1,
                "received", w.total("herald.audit.received", "edge", edge),
                "lost", w.total("herald.audit.lost", "edge", edge),
                "late", w.total("herald.audit.late", "edge", edge),
                "duplicated", w.total("herald.audit.duplicated", "edge", edge),
                "outOfOrder", w.total("herald.audit.out.of.order", "edge", edge),
                "latencyP99Seconds", w.quantile("herald.audit.latency", 0.99, "edge", edge))));
        return edges;
    }

    private List<Map<String, Object>> busiest(MeterWindow w) {
        Map<String, Double> deliveries = w.ratesBy("herald.edge.channel.deliveries", "channel");
        Map<String, Double> bytes = w.ratesBy("herald.edge.channel.delivered", "channel");
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChannelTally.Entry e : tally.top(ChannelMeters.TOP)) {
            list.add(ordered("channel", e.channel(), "deliveriesPerSecond", deliveries.get(e.channel()),
                    "bytesPerSecond", bytes.get(e.channel()), "deliveries", e.deliveries(), "bytes", e.bytes()));
        }
        return list;
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
