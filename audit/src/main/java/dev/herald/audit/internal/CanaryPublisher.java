package dev.herald.audit.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.audit.DeliveryChecker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one canary per {@link #run()}: {@code POST <ingest>/v1/channels/<channel>/events}
 * with {@code {"auditor":"<auditor id>","n":<sequence>}}, and records each {@code 201} answer's
 * event id in the checker, timed from just before the request. Requests go out asynchronously;
 * at most {@code maxInFlight} await their answer, and a canary due while that many do is not
 * sent and counted failed. Every error is logged (throttled), counted, and the next tick goes on.
 *
 * <p>{@link #run()} is called by one thread at a time (the publish timer); answers arrive on the
 * HTTP client's threads.
 */
public final class CanaryPublisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.herald.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one publish may take before it is given up and counted failed. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI eventsUrl;
    private final String channel;
    private final String auditorId;
    private final DeliveryChecker checker;
    private final AuditMetrics metrics;
    private final Semaphore inFlight;
    private final String token;
    private final int maxInFlight;
    private final ThrottledLog errors = new ThrottledLog(LOG);
    private long sequence;

    /** @param token sent as {@code Authorization: Bearer}, or {@code null} for none */
    public CanaryPublisher(HttpClient http, URI ingestUrl, String channel, String auditorId, String token, int maxInFlight,
            DeliveryChecker checker, AuditMetrics metrics) {
        this.http = http;
        this.token = token;
        this.eventsUrl = URI.create(ingestUrl + "/v1/channels/" + channel + "/events");
        this.channel = channel;
        this.auditorId = auditorId;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.checker = checker;
        this.metrics = metrics;
    }

    /** Publishes the next canary. Never throws: a failure is logged and counted. */
    @Override
    public void run() {
        try {
            publish();
        } catch (RuntimeException e) {
            metrics.published(false);
            metrics.publishError();
            errors.warn("auditor could not publish a canary to {}: {}", eventsUrl, e.toString());
        }
    }

    private void publish() {
        long n = sequence++;
        if (!inFlight.tryAcquire()) {
            metrics.published(false);
            errors.warn("auditor skipped canary {}: {} publishes to {} are awaiting ingest's answer", n, maxInFlight, eventsUrl);
            return;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(eventsUrl).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"auditor\":\"" + auditorId + "\",\"n\":" + n + "}"));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long startNanos = checker.nanoTime();
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                inFlight.release();
                try {
                    answered(n, startNanos, response, error);
                } catch (RuntimeException e) {
                    metrics.publishError();
                    errors.warn("auditor could not record canary {}'s answer: {}", n, e.toString());
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    private void answered(long n, long startNanos, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            metrics.published(false);
            metrics.publishError();
            errors.warn("auditor's canary {} to {} failed: {}", n, eventsUrl, error.toString());
            return;
        }
        if (response.statusCode() != 201) {
            metrics.published(false);
            errors.warn("ingest answered canary {} with {}: {}", n, response.statusCode(), abbreviate(response.body()));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        String id = body == null ? null : body.path("id").asText(null);
        if (id == null) {
            metrics.published(false);
            metrics.publishError();
            errors.warn("ingest's 201 for canary {} has no event id: {}", n, abbreviate(response.body()));
            return;
        }
        metrics.published(true);
        checker.acknowledged(channel, id, startNanos);
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
