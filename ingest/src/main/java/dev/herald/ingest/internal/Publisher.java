package dev.herald.ingest.internal;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import dev.herald.ingest.internal.IngestMetrics.Api;
import dev.herald.ingest.internal.IngestMetrics.Result;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.LogControl;
import dev.herald.server.http.Problem;

/**
 * The publish path shared by the single and batch endpoints: idempotency, the event envelope,
 * the Kafka append with its deadline, and the publish metrics; and the clear of a channel's latest
 * value, which goes through the log the same way. Inputs are already validated.
 *
 * <p>The outcome future never fails: every error becomes a {@link Problem}. It completes with a
 * {@link Published} only after Kafka acknowledged the record with acks=all.
 *
 * <p>Thread-safe. {@link #publish} may block for up to the producer's {@code max.block.ms}; call
 * it from a worker thread.
 */
public final class Publisher {

    private static final long DEADLINE_MARGIN_MS = 1_000;

    private final KafkaEventLog log;
    private final IdempotencyCache idempotency;
    private final LogMonitor monitor;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final String source;
    private final long timeoutMs;
    private final int retryAfterSeconds;

    Publisher(KafkaEventLog log, IdempotencyCache idempotency, LogMonitor monitor, IngestMetrics metrics,
              Clock clock, String source, long timeoutMs, int retryAfterSeconds) {
        this.log = log;
        this.idempotency = idempotency;
        this.monitor = monitor;
        this.metrics = metrics;
        this.clock = clock;
        this.source = source;
        this.timeoutMs = timeoutMs;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Publishes one durable event.
     *
     * @param api         the endpoint, for metrics
     * @param channel     a valid channel name
     * @param clientId    the client's idempotency key, which becomes the event id, or {@code null}
     * @param type        the event type
     * @param contentType the payload's media type, or {@code null}
     * @param payload     the payload; not copied
     */
    CompletableFuture<PublishOutcome> publish(Api api, String channel, String clientId, String type,
                                              String contentType, byte[] payload) {
        if (!monitor.isReady()) {
            metrics.publish(api, Result.UNAVAILABLE);
            return CompletableFuture.completedFuture(PublishOutcome.refused(
                    IngestProblems.logUnavailable(monitor.notReadyReason(), retryAfterSeconds)));
        }
        CompletableFuture<Published> pending = new CompletableFuture<>();
        if (clientId != null) {
            CompletableFuture<Published> first = idempotency.claim(channel, clientId, pending);
            if (first != null) {
                return first.handle((published, error) -> {
                    if (error != null) {
                        metrics.publish(api, Result.UNAVAILABLE);
                        return PublishOutcome.refused(unavailable(error, "the event", "retry with the same Idempotency-Key"));
                    }
                    metrics.publish(api, Result.REPLAYED);
                    return PublishOutcome.replayed(published);
                });
            }
        }
        long now = clock.millis();
        Event event = new Event(clientId != null ? clientId : EventId.generate(now), channel, type, source,
                java.time.Instant.ofEpochMilli(now), contentType, payload);
        long startNs = System.nanoTime();
        return log.append(event)
                .handle((published, error) -> {
                    if (error != null) {
                        pending.completeExceptionally(error);
                        metrics.publish(api, Result.UNAVAILABLE);
                        return PublishOutcome.refused(unavailable(error, "the event", "retry with the same Idempotency-Key"));
                    }
                    metrics.ackLatency(System.nanoTime() - startNs);
                    pending.complete(published);
                    metrics.publish(api, Result.CREATED);
                    return PublishOutcome.created(published);
                });
    }

    /**
     * Clears {@code channel}'s latest value: appends a {@link LogControl#CLEAR_LATEST} record to the
     * log, where it sits in order with the channel's events, and the streams service turns it into a
     * tombstone of {@code herald.latest}. Nothing is refused for a channel that has no latest value.
     *
     * @param channel a valid channel name
     * @return {@code null} once Kafka acknowledged the record (acks=all), else the problem (503):
     *         never fails
     */
    CompletableFuture<Problem> clearLatest(String channel) {
        if (!monitor.isReady()) {
            metrics.latestClear(Result.UNAVAILABLE);
            return CompletableFuture.completedFuture(IngestProblems.logUnavailable(monitor.notReadyReason(), retryAfterSeconds));
        }
        return log.appendControl(channel, LogControl.CLEAR_LATEST)
                .handle((done, error) -> {
                    if (error != null) {
                        metrics.latestClear(Result.UNAVAILABLE);
                        return unavailable(error, "the clear", "retry it (a clear repeated is harmless)");
                    }
                    metrics.latestClear(Result.CREATED);
                    return null;
                });
    }

    /**
     * How long a request waits for its outcomes before answering 503 regardless. The producer
     * reports every record within {@code delivery.timeout.ms} (= {@code publish.timeout.ms}) of
     * {@code send} returning, so this is a safety net, applied once per request rather than once
     * per event.
     */
    long deadlineMs() {
        return timeoutMs + DEADLINE_MARGIN_MS;
    }

    /** The outcome of a publish that had no answer by {@link #deadlineMs()}: 503, nothing promised. */
    PublishOutcome timedOut() {
        return PublishOutcome.refused(IngestProblems.logUnavailable("Kafka did not acknowledge the event within " + deadlineMs()
                + " ms; it may or may not be in the log, retry with the same Idempotency-Key", retryAfterSeconds));
    }

    /** The answer to a clear that had no outcome by {@link #deadlineMs()}: 503; a retry clears again, which is harmless. */
    Problem clearTimedOut() {
        return IngestProblems.logUnavailable("Kafka did not acknowledge the clear within " + deadlineMs()
                + " ms; it may or may not be in the log, retry it (a clear repeated is harmless)", retryAfterSeconds);
    }

    /** 503 for a record ({@code what}) Kafka did not acknowledge, with what the client should do ({@code retry}). */
    private Problem unavailable(Throwable error, String what, String retry) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return IngestProblems.logUnavailable("Kafka did not acknowledge " + what + " (" + cause.getClass().getSimpleName()
                + (cause.getMessage() != null ? ": " + cause.getMessage() : "")
                + "); it may or may not be in the log, " + retry, retryAfterSeconds);
    }
}
