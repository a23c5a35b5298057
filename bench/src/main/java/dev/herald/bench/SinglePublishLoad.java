package dev.herald.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Single-event publishes, {@code POST /v1/channels/bench-<i % 64>/events} with a 1 KiB JSON
 * body, each answered 201 only after Kafka acknowledged the event with {@code acks=all}.
 *
 * <p>{@link #closedLoop}: a fixed number of requests in flight, each sent when the previous one
 * of its lane is answered; its rate is the most the server sustains at that concurrency. (The
 * open loop at a fixed rate is {@link KeepAliveLoad}.)
 * Both are bounded in count and in time. Latencies count only 201 answers; other statuses and
 * failed requests are counted apart.
 */
final class SinglePublishLoad {

    /** Most open-loop requests in flight; past it the schedule waits (and latencies show it). */
    private static final int MAX_IN_FLIGHT = 1_000;
    private static final Duration DRAIN_TIMEOUT = IngestClient.REQUEST_TIMEOUT.plusSeconds(5);

    private final IngestClient client;
    private final HttpRequest[] requests = new HttpRequest[BenchPayloads.CHANNELS];

    SinglePublishLoad(IngestClient client) {
        this.client = client;
        byte[] body = BenchPayloads.eventPayload();
        for (int i = 0; i < requests.length; i++) {
            requests[i] = client.post("/v1/channels/" + BenchPayloads.channel(i) + "/events", "application/json", body);
        }
    }

    /**
     * The result of a single-POST run.
     *
     * @param sent       requests sent
     * @param created    answers with status 201
     * @param otherStatus answers with any other status
     * @param failed     requests with no answer (connection error or timeout)
     * @param seconds    the run's length: to the last answer (closed loop), or to one interval
     *                   after the last send (open loop, so that {@code sent / seconds} is the rate)
     * @param latency    latency of the 201 answers
     * @param latencyNs  the same latencies, ns, for pooling runs (read it, do not record into it)
     */
    record Result(long sent, long created, long otherStatus, long failed, double seconds, LatencySummary latency,
                  Histogram latencyNs) {

        /** Requests sent per second. */
        double sentPerSecond() {
            return seconds > 0 ? sent / seconds : 0;
        }

        /** 201 answers per second. */
        double createdPerSecond() {
            return seconds > 0 ? created / seconds : 0;
        }

        /** Requests that did not get a 201, whatever the reason. */
        long not201() {
            return sent - created;
        }
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code duration} or until
     * {@code maxRequests} were sent, whichever comes first, then waits for the last answers.
     */
    Result closedLoop(int concurrency, Duration duration, long maxRequests) {
        Counters counters = new Counters();
        AtomicLong issued = new AtomicLong();
        LongAdder sent = new LongAdder();
        CountDownLatch lanesDone = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int lane = 0; lane < concurrency; lane++) {
            sendNext(counters, issued, sent, maxRequests, deadline, lanesDone);
        }
        try {
            if (!lanesDone.await(duration.plus(DRAIN_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("closed loop: some requests were still unanswered at the end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the closed-loop run", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return counters.result(sent.sum(), seconds);
    }

    private void sendNext(Counters counters, AtomicLong issued, LongAdder sent, long maxRequests, long deadline,
                          CountDownLatch lanesDone) {
        long n = issued.incrementAndGet();
        if (n > maxRequests || System.nanoTime() >= deadline) {
            lanesDone.countDown();
            return;
        }
        sent.increment();
        long sentAt = System.nanoTime();
        client.send(requests[(int) (n % requests.length)], HttpResponse.BodyHandlers.discarding())
                .whenCompleteAsync((response, error) -> {
                    counters.record(response == null ? -1 : response.statusCode(), System.nanoTime() - sentAt);
                    sendNext(counters, issued, sent, maxRequests, deadline, lanesDone);
                }, client.threads());
    }

    private static void parkUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Answers by kind and the latency of 201s; written from many threads. */
    static final class Counters {
        private final Recorder latencyNs = new Recorder(3);
        private final LongAdder created = new LongAdder();
        private final LongAdder otherStatus = new LongAdder();
        private final LongAdder failed = new LongAdder();

        /** @param status the HTTP status, or -1 for a request that got no answer */
        void record(int status, long latencyNanos) {
            if (status == 201) {
                created.increment();
                latencyNs.recordValue(latencyNanos);
            } else if (status < 0) {
                failed.increment();
            } else {
                otherStatus.increment();
            }
        }

        Result result(long sent, double seconds) {
            Histogram latencies = latencyNs.getIntervalHistogram();
            return new Result(sent, created.sum(), otherStatus.sum(), failed.sum(), seconds, LatencySummary.of(latencies), latencies);
        }
    }
}
