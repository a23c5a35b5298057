package dev.herald.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.herald.fanout.FanoutConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Works out a {@link ReplayPlan} with Admin and consumer calls only, changing nothing: the log's
 * partitions, the edge group's committed offsets (where each range ends), the target offsets
 * ({@link ReplayTarget}), the log start offsets, then a bounded scan of the ranges with a consumer
 * of its own (no group) that counts the records (of the channel, if one is given) and the distinct
 * channels, up to {@code scanMax} records in all; past that, a partition's records are its offsets
 * and its channels a lower bound, and the plan says so.
 *
 * <p>One thread; closes its clients with {@link #close}.
 */
final class ReplayPlanner implements AutoCloseable {

    private static final long TIMEOUT_S = 30;

    private final Admin admin;
    private final Map<String, Object> clientProps;
    private final String topic;

    ReplayPlanner(Map<String, Object> clientProps, String topic) {
        this.clientProps = Map.copyOf(clientProps);
        this.topic = topic;
        this.admin = Admin.create(clientProps);
    }

    Admin admin() {
        return admin;
    }

    /**
     * The plan for edge {@code edgeId}.
     *
     * @param partitions the partitions asked for ({@code --partitions}), or {@code null} for all (or the channel's)
     * @throws IllegalStateException with what is wrong: no such topic, partition or group, a channel in another partition
     */
    ReplayPlan plan(String edgeId, String mode, String channel, List<Integer> partitions, ReplayTarget target, boolean fromLogStart,
                    long scanMax) {
        String group = "herald-edge-" + edgeId;
        int count = partitionCount();
        Map<Integer, Long> committed = committed(group);
        List<Integer> chosen = choose(count, channel, partitions, target);
        for (int p : chosen) {
            if (!committed.containsKey(p)) {
                throw new IllegalStateException("edge " + edgeId + " has no committed offset in partition " + p + " of " + topic + " (group "
                        + group + "): has it ever run against this log? Check --edge and the cluster");
            }
        }
        Map<Integer, Long> starts = offsets(chosen, OffsetSpec.earliest());
        Map<Integer, Long> targets = target.resolve(this, chosen, committed);
        Set<Integer> timeBeforeLog = target.timeBeforeOldestRecord(this, chosen, targets, starts);
        List<ReplayPlan.PartitionPlan> rows = new ArrayList<>();
        long budget = scanMax;
        try (KafkaConsumer<byte[], byte[]> scanner = scanner()) {
            for (int p : chosen) {
                long to = committed.get(p);
                long targetOffset = Math.min(targets.get(p), to);
                long start = starts.get(p);
                long from = fromLogStart ? Math.max(targetOffset, Math.min(start, to)) : targetOffset;
                long readable = Math.max(from, Math.min(start, to));
                Scan scan = scan(scanner, p, readable, to, channel, budget);
                budget -= scan.read;
                rows.add(new ReplayPlan.PartitionPlan(p, targetOffset, from, to, start, scan.records, scan.channels, scan.complete,
                        timeBeforeLog.contains(p)));
            }
        }
        return new ReplayPlan(edgeId, group, topic, mode, channel, target.describe(), rows);
    }

    private List<Integer> choose(int count, String channel, List<Integer> partitions, ReplayTarget target) {
        List<Integer> chosen = new ArrayList<>();
        if (channel != null) {
            chosen.add(FanoutConsumer.partitionOf(channel, count));
        } else if (partitions != null) {
            for (int p : partitions) {
                if (p < 0 || p >= count) {
                    throw new IllegalStateException("partition " + p + " does not exist: " + topic + " has partitions 0 to " + (count - 1));
                }
                if (!chosen.contains(p)) {
                    chosen.add(p);
                }
            }
        } else {
            for (int p = 0; p < count; p++) {
                chosen.add(p);
            }
        }
        return target.restrict(chosen, count);
    }

    int partitionCount() {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic);
            return d.partitions().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the log topic " + topic + ": " + e.getCause().getMessage()
                    + " (check --topic and --bootstrap-servers)", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot read the log topic " + topic + " within " + TIMEOUT_S + " s: " + e, e);
        }
    }

    private Map<Integer, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + group + ": " + e, e);
        }
    }

    /** The timestamp of the record at each partition's offset for {@code spec}; -1 where there is none. */
    Map<Integer, Long> timestamps(List<Integer> partitions, OffsetSpec spec) {
        Map<Integer, Long> out = new HashMap<>();
        listOffsets(partitions, spec).forEach((p, i) -> out.put(p, i.timestamp()));
        return out;
    }

    /** Each partition's offset for {@code spec}; -1 where a timestamp has no record at or after it. */
    Map<Integer, Long> offsets(List<Integer> partitions, OffsetSpec spec) {
        Map<Integer, Long> out = new HashMap<>();
        listOffsets(partitions, spec).forEach((p, i) -> out.put(p, i.offset()));
        return out;
    }

    private Map<Integer, ListOffsetsResult.ListOffsetsResultInfo> listOffsets(List<Integer> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p : partitions) {
            ask.put(new TopicPartition(topic, p), spec);
        }
        try {
            Map<Integer, ListOffsetsResult.ListOffsetsResultInfo> out = new HashMap<>();
            admin.listOffsets(ask).all().get(TIMEOUT_S, TimeUnit.SECONDS).forEach((tp, i) -> out.put(tp.partition(), i));
            return out;
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of " + topic + ": " + e, e);
        }
    }

    private KafkaConsumer<byte[], byte[]> scanner() {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-replay-planner");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** What a scan of one range found; {@code read} is the records it read, matching or not. */
    private record Scan(long records, long channels, boolean complete, long read) {
    }

    /**
     * Counts the records of {@code [from, to)} in {@code partition} (those keyed {@code channel}, if
     * given) and their distinct keys, reading at most {@code budget} records; past it, the records
     * are the offsets and the channels those seen.
     */
    private Scan scan(KafkaConsumer<byte[], byte[]> c, int partition, long from, long to, String channel, long budget) {
        if (from >= to) {
            return new Scan(0, 0, true, 0);
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        byte[] key = channel == null ? null : channel.getBytes(StandardCharsets.UTF_8);
        Set<ByteBuffer> keys = new HashSet<>();
        long records = 0;
        long read = 0;
        c.assign(List.of(tp));
        c.seek(tp, from);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (c.position(tp) < to) {
            if (read >= budget) {
                return new Scan(channel == null ? to - from : records, keys.size(), false, read);
            }
            long before = c.position(tp);
            for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                if (rec.offset() >= to) {
                    continue;
                }
                read++;
                if (key != null && !Arrays.equals(key, rec.key())) {
                    continue;
                }
                records++;
                if (rec.key() != null) {
                    keys.add(ByteBuffer.wrap(rec.key()));
                }
            }
            if (c.position(tp) > before) {
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading partition " + partition + " of " + topic + " from offset " + before
                        + " brought nothing for " + TIMEOUT_S + " s");
            }
        }
        return new Scan(records, keys.size(), true, read);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
