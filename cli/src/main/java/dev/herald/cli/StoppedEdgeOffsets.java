package dev.herald.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.herald.fanout.ReplayRange;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * A stopped edge's replay: its group's committed offsets moved back to the ranges' starts with
 * {@link Admin#alterConsumerGroupOffsets}; when the edge starts, it reads on from there, its store
 * keeping what it holds already and adding what it lacks. Kafka refuses to move the offsets of a
 * group with members: an edge running, or one stopped so hard that its static membership lingers
 * until its session times out. That refusal comes back as an {@link IllegalStateException} naming
 * the edge and what to do.
 */
final class StoppedEdgeOffsets {

    private static final long TIMEOUT_S = 30;

    private final Admin admin;

    StoppedEdgeOffsets(Admin admin) {
        this.admin = admin;
    }

    /** The members of {@code group} now (0: nobody consumes as that edge). */
    int members(String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(group);
            return d == null ? 0 : d.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw new IllegalStateException("cannot describe group " + group + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot describe group " + group + " within " + TIMEOUT_S + " s: " + e, e);
        }
    }

    /**
     * Moves {@code group}'s committed offset in each range's partition to the range's start.
     *
     * @throws IllegalStateException if Kafka refuses (the group is active) or cannot be reached
     */
    void moveBack(String edgeId, String group, String topic, List<ReplayRange> ranges) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ReplayRange r : ranges) {
            if (r.offsets() > 0) {
                offsets.put(new TopicPartition(topic, r.partition()), new OffsetAndMetadata(r.fromOffset(), "herald replay"));
            }
        }
        try {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof GroupNotEmptyException) {
                throw new IllegalStateException("Kafka refuses to move the offsets of edge " + edgeId + ": its group " + group
                        + " is active (" + e.getCause().getMessage() + "). Stop the edge and run this again, or replay through the running "
                        + "edge with --edge-url http://HOST:PORT", e);
            }
            throw new IllegalStateException("cannot move the offsets of group " + group + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot move the offsets of group " + group + " within " + TIMEOUT_S + " s: " + e, e);
        }
    }
}
