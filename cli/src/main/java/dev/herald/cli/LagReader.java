package dev.herald.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads how far edges are behind the log: for each edge's consumer group, per partition, the
 * committed offset, the log end, and the lag in events and in time.
 *
 * <pre>
 * Where each number comes from, so that it agrees with Kafka's own kafka-consumer-groups tool:
 *  - committed: the group's committed offsets (Admin listConsumerGroupOffsets).
 *  - log end: the partition's high watermark (Admin listOffsets latest, read_uncommitted, as the
 *    tool asks). Ingest's producer is idempotent but not transactional, so it equals what an edge
 *    (read_committed) can read.
 *  - lag: log end minus committed; unknown ("-") where the group has committed nothing. The
 *    commits are read first, the log ends after them, as the tool does: both only grow, so a log
 *    end is never read from before the commit it is compared with (which would show an edge ahead
 *    of the log while it keeps up with a busy partition).
 *  - lag in time: now minus the timestamp of the first record not consumed, i.e. the record at
 *    the committed offset (or the next one, if that offset holds none any more). It is read by a
 *    consumer of no group, with assign and seek, so reading it changes no offset of any group.
 * </pre>
 *
 * <p>Not thread-safe; one sample at a time.
 */
final class LagReader {

    private final LogCluster cluster;
    private final String topic;
    private final Clock clock;

    LagReader(LogCluster cluster, String topic, Clock clock) {
        this.cluster = cluster;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * The ids of every edge with a consumer group on the cluster, sorted.
     *
     * @throws IllegalStateException if the cluster does not answer
     */
    List<String> edgeIds() {
        Collection<GroupListing> groups = cluster.await(cluster.admin().listGroups(ListGroupsOptions.forConsumerGroups()).all(),
                "the consumer groups");
        TreeSet<String> ids = new TreeSet<>();
        for (GroupListing g : groups) {
            if (g.groupId().startsWith(EdgeLag.GROUP_PREFIX) && g.groupId().length() > EdgeLag.GROUP_PREFIX.length()) {
                ids.add(g.groupId().substring(EdgeLag.GROUP_PREFIX.length()));
            }
        }
        return List.copyOf(ids);
    }

    /**
     * The lag of each of {@code edgeIds}, in that order.
     *
     * @throws IllegalStateException if an edge has no consumer group, the topic is missing, or the
     *                               cluster does not answer
     */
    List<EdgeLag> read(List<String> edgeIds) {
        List<String> known = edgeIds();
        for (String id : edgeIds) {
            if (!known.contains(id)) {
                throw new IllegalStateException("no edge '" + id + "' on Kafka at " + cluster.servers() + ": there is no consumer group "
                        + EdgeLag.GROUP_PREFIX + id + " (edges found: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
        int partitions = cluster.epoch(topic).partitionCount();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        List<String> groupIds = edgeIds.stream().map(id -> EdgeLag.GROUP_PREFIX + id).toList();
        Map<String, ConsumerGroupDescription> groups = cluster.await(cluster.admin().describeConsumerGroups(groupIds).all(),
                "the edges' consumer groups");
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        for (String group : groupIds) {
            committedByGroup.put(group, cluster.await(cluster.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                    "the offsets of " + group));
        }
        // the log ends after the commits (see above)
        Map<TopicPartition, Long> ends = logEnds(tps);
        Instant now = clock.instant();
        List<EdgeLag> result = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = cluster.plainConsumer("herald-lag")) {
            for (String id : edgeIds) {
                String group = EdgeLag.GROUP_PREFIX + id;
                Map<TopicPartition, OffsetAndMetadata> committed = committedByGroup.get(group);
                Map<TopicPartition, Long> behind = new HashMap<>();
                for (TopicPartition tp : tps) {
                    OffsetAndMetadata c = committed.get(tp);
                    if (c != null && c.offset() < ends.get(tp)) {
                        behind.put(tp, c.offset());
                    }
                }
                Map<TopicPartition, Long> firstUnconsumedTimes = firstRecordTimes(reader, behind);
                List<EdgeLag.PartitionLag> rows = new ArrayList<>();
                for (TopicPartition tp : tps) {
                    OffsetAndMetadata c = committed.get(tp);
                    long end = ends.get(tp);
                    if (c == null) {
                        rows.add(new EdgeLag.PartitionLag(tp.partition(), null, end, null, null));
                        continue;
                    }
                    long lag = Math.max(0, end - c.offset());
                    Long ts = firstUnconsumedTimes.get(tp);
                    long lagMs = lag == 0 || ts == null || ts < 0 ? 0 : Math.max(0, now.toEpochMilli() - ts);
                    rows.add(new EdgeLag.PartitionLag(tp.partition(), c.offset(), end, lag, lagMs));
                }
                ConsumerGroupDescription d = groups.get(group);
                result.add(new EdgeLag(id, group, d.groupState().toString(), d.members().size(), rows));
            }
        }
        return result;
    }

    private Map<TopicPartition, Long> logEnds(List<TopicPartition> tps) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = cluster.await(cluster.admin().listOffsets(latest).all(),
                "the end offsets of " + topic);
        Map<TopicPartition, Long> ends = new HashMap<>();
        infos.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * The timestamp of the first record at or after each partition's offset in {@code from}: one
     * fetch per partition, by assign and seek. A partition whose record cannot be read within the
     * timeout has no entry (its lag in time reads 0, and the lag in events still shows).
     */
    private Map<TopicPartition, Long> firstRecordTimes(KafkaConsumer<byte[], byte[]> reader, Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> times = new HashMap<>();
        if (from.isEmpty()) {
            return times;
        }
        reader.assign(from.keySet());
        from.forEach(reader::seek);
        long deadline = System.nanoTime() + cluster.timeout().toNanos();
        try {
            while (times.size() < from.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    times.putIfAbsent(tp, r.timestamp());
                }
                // a partition done is paused, so its further records do not crowd out the others'
                List<TopicPartition> done = times.keySet().stream().filter(tp -> !reader.paused().contains(tp)).toList();
                reader.pause(done);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw cluster.unreachable("the first unconsumed records", e);
        }
        reader.unsubscribe();
        return times;
    }
}
