package dev.herald.edge.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.herald.schemas.protocol.ResumeReason;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a resume from a time starts in a partition, from Kafka's own time index
 * ({@link KafkaConsumer#offsetsForTimes}), with a reused log reader ({@link LogReaders}).
 * Blocking; runs on resume workers, never on an I/O or the poll thread.
 *
 * <pre>
 * The rule (t: the time asked for; begin, end: the partition's log start and end offsets;
 * O: the first offset whose record timestamp is at or after t, or none):
 *
 *   O exists, and O > begin, or begin = 0 (nothing deleted),
 *     or the record at O is stamped exactly t      -> replay after O - 1: from the first record at or after t
 *   O = begin > 0 and the record at O is later than t -> recovered:false, offset-out-of-range: records
 *                                                      from t on may have been deleted, and a resume
 *                                                      is never silently later than asked
 *   no O, and the partition holds records, or never held any
 *                                                   -> replay after end - 1: nothing to replay,
 *                                                      live from now (recovered)
 *   no O, and every record ever written was deleted (begin = end > 0)
 *                                                   -> recovered:false, offset-out-of-range: nothing
 *                                                      says whether the deleted ones were after t
 * </pre>
 *
 * The end is read first, so a record appended while the index is read is at or after the start
 * either way and reaches the subscriber (in the replay, or live). Record timestamps are the time
 * ingest accepted each event (the producer's create time; the broker's append time on a topic with
 * {@code message.timestamp.type=LogAppendTime}); "the first record at or after t" is first in log
 * order, as Kafka's index finds it, so with the clocks of several ingest nodes apart a later
 * record may carry an earlier stamp and is delivered all the same.
 *
 * <p>Thread-safe.
 */
final class LogTimeIndex {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Where a resume from a time starts.
     *
     * @param afterOffset  the replay is of the channel's events after this offset (-1: from the partition's first)
     * @param notRecovered why nothing can be replayed, or {@code null} when the replay goes ahead
     */
    record Start(long afterOffset, ResumeReason notRecovered) {
    }

    private final LogReaders readers;
    private final String topic;

    LogTimeIndex(LogReaders readers, String topic) {
        this.readers = readers;
        this.topic = topic;
    }

    /**
     * Where a resume of {@code partition} from {@code time} starts (see the rule above).
     *
     * @throws RuntimeException when the log cannot be asked now (a Kafka client exception)
     */
    Start startAt(int partition, Instant time) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long at = Math.max(0, time.toEpochMilli());
        KafkaConsumer<byte[], byte[]> consumer = readers.borrow();
        boolean healthy = false;
        try {
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long begin = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, at), TIMEOUT);
            OffsetAndTimestamp first = found.get(tp);
            healthy = true;
            if (first == null) {
                return begin == end && begin > 0 ? new Start(end - 1, ResumeReason.OFFSET_OUT_OF_RANGE) : new Start(end - 1, null);
            }
            if (first.offset() <= begin && begin > 0 && first.timestamp() > at) {
                return new Start(first.offset() - 1, ResumeReason.OFFSET_OUT_OF_RANGE);
            }
            return new Start(first.offset() - 1, null);
        } finally {
            readers.giveBack(consumer, healthy);
        }
    }
}
