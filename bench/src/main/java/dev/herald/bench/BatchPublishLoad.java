package dev.herald.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Recorder;

/**
 * Batch publishes, {@code POST /v1/events} with NDJSON bodies of 1 KiB events, a fixed number
 * of requests in flight (a closed loop). The answer is NDJSON with one result per line; only
 * lines whose {@code status} is 201 (acknowledged by Kafka with {@code acks=all}) count as
 * published. Bounded in count (events) and in time.
 */
final class BatchPublishLoad {

    private static final Duration DRAIN_TIMEOUT = IngestClient.REQUEST_TIMEOUT.plusSeconds(5);

    private final IngestClient client;
    private final HttpRequest request;
    private final int linesPerBatch;

    /** @param linesPerBatch events in each request */
    BatchPublishLoad(IngestClient client, int linesPerBatch) {
        if (linesPerBatch < 1) {
            throw new IllegalArgumentException("linesPerBatch must be >= 1, was " + linesPerBatch);
        }
        this.client = client;
        this.linesPerBatch = linesPerBatch;
        this.request = client.post("/v1/events", "application/x-ndjson", BenchPayloads.ndjsonBatch(linesPerBatch));
    }

    /**
     * The result of a batch run.
     *
     * @param requests       batch requests sent
     * @param failedRequests requests without a 200 answer (they count no events)
     * @param eventsSent     events in the requests sent
     * @param eventsCreated  result lines with status 201
     * @param seconds        from the first send to the last answer
     * @param batchLatency   latency of each 200 answer, from its send
     */
    record Result(long requests, long failedRequests, long eventsSent, long eventsCreated, double seconds,
                  LatencySummary batchLatency) {

        /** Published (201) events per second. */
        double eventsPerSecond() {
            return seconds > 0 ? eventsCreated / seconds : 0;
        }
    }

    /**
     * Sends batches with {@code concurrency} requests in flight until {@code events} events
     * (rounded up to whole batches) were sent or {@code maxDuration} passed, then waits for the
     * last answers.
     */
    Result run(long events, int concurrency, Duration maxDuration) {
        long maxRequests = Math.max(1, (events + linesPerBatch - 1) / linesPerBatch);
        Recorder latencyNs = new Recorder(3);
        LongAdder failed = new LongAdder();
        LongAdder created = new LongAdder();
        AtomicLong issued = new AtomicLong();
        LongAdder sent = new LongAdder();
        CountDownLatch lanesDone = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long deadline = start + maxDuration.toNanos();
        Lanes lanes = new Lanes(maxRequests, deadline, issued, sent, lanesDone, latencyNs, failed, created);
        for (int i = 0; i < concurrency; i++) {
            lanes.sendNext();
        }
        try {
            if (!lanesDone.await(maxDuration.plus(DRAIN_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("batch: some requests were still unanswered at the end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the batch run", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long requests = sent.sum();
        return new Result(requests, failed.sum(), requests * linesPerBatch, created.sum(), seconds,
                LatencySummary.of(latencyNs.getIntervalHistogram()));
    }

    /**
     * Counts the result lines of an NDJSON batch answer whose {@code "status"} is 201. Each line
     * is a compact JSON object with a top-level {@code status} member; the first
     * {@code "status"} key of a line is that member, as the answer puts it before any nested
     * problem.
     */
    static long countCreated(String ndjson) {
        long count = 0;
        int from = 0;
        while (from < ndjson.length()) {
            int end = ndjson.indexOf('\n', from);
            if (end < 0) {
                end = ndjson.length();
            }
            if (statusOf(ndjson, from, end) == 201) {
                count++;
            }
            from = end + 1;
        }
        return count;
    }

    private static int statusOf(String text, int from, int to) {
        int key = text.indexOf("\"status\"", from);
        if (key < 0 || key >= to) {
            return -1;
        }
        int i = key + "\"status\"".length();
        while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == ':')) {
            i++;
        }
        int status = 0;
        int digits = 0;
        while (i < to && Character.isDigit(text.charAt(i)) && digits < 3) {
            status = status * 10 + (text.charAt(i) - '0');
            i++;
            digits++;
        }
        return digits == 3 ? status : -1;
    }

    /** The state the lanes share; each answer sends its lane's next batch. */
    private final class Lanes {
        private final long maxRequests;
        private final long deadline;
        private final AtomicLong issued;
        private final LongAdder sent;
        private final CountDownLatch lanesDone;
        private final Recorder latencyNs;
        private final LongAdder failed;
        private final LongAdder created;

        Lanes(long maxRequests, long deadline, AtomicLong issued, LongAdder sent, CountDownLatch lanesDone, Recorder latencyNs,
             LongAdder failed, LongAdder created) {
            this.maxRequests = maxRequests;
            this.deadline = deadline;
            this.issued = issued;
            this.sent = sent;
            this.lanesDone = lanesDone;
            this.latencyNs = latencyNs;
            this.failed = failed;
            this.created = created;
        }

        void sendNext() {
            if (issued.incrementAndGet() > maxRequests || System.nanoTime() >= deadline) {
                lanesDone.countDown();
                return;
            }
            sent.increment();
            long sentAt = System.nanoTime();
            client.send(request, HttpResponse.BodyHandlers.ofString())
                    .whenCompleteAsync((response, error) -> {
                        if (response != null && response.statusCode() == 200) {
                            latencyNs.recordValue(System.nanoTime() - sentAt);
                            created.add(countCreated(response.body()));
                        } else {
                            failed.increment();
                        }
                        sendNext();
                    }, client.threads());
        }
    }
}
