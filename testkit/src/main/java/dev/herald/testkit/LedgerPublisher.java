package dev.herald.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.DeliveryLedger.PublishFailure;

/**
 * A publisher that POSTs durable events to ingest ({@code POST /v1/channels/{channel}/events}) and
 * records each answer in a {@link DeliveryLedger}: a {@code 201} as an acknowledgement with its id,
 * partition and offset; any other status as {@link PublishFailure#FAILED}; no answer within the
 * timeout, or a broken connection, as {@link PublishFailure#UNKNOWN}. It never retries: what a retry
 * policy would do is the test's to choose. Thread-safe; each call blocks for at most the timeout.
 */
public final class LedgerPublisher {

    /** What one publish came to. */
    public enum Outcome {
        ACKNOWLEDGED, FAILED, UNKNOWN
    }

    /**
     * @param outcome  how it ended
     * @param status   the HTTP status, or -1 without an answer
     * @param answer   the answer's JSON body, or null (no answer, or a body that is not JSON)
     */
    public record Result(Outcome outcome, int status, JsonNode answer) {

        public boolean acknowledged() {
            return outcome == Outcome.ACKNOWLEDGED;
        }
    }

    private final HttpClient http;
    private final String ingestUrl;
    private final DeliveryLedger ledger;
    private final Duration timeout;
    private final String authorization;

    /**
     * @param ingestUrl     ingest's base URL, {@code http://127.0.0.1:<port>}
     * @param ledger        where answers are recorded
     * @param timeout       how long one publish may take before it counts as unknown
     * @param authorization the {@code Authorization} header to send, or null for none
     */
    public LedgerPublisher(String ingestUrl, DeliveryLedger ledger, Duration timeout, String authorization) {
        this.ingestUrl = Objects.requireNonNull(ingestUrl, "ingestUrl");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.authorization = authorization;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** A publisher with a 10 s timeout and no token. */
    public LedgerPublisher(String ingestUrl, DeliveryLedger ledger) {
        this(ingestUrl, ledger, Duration.ofSeconds(10), null);
    }

    /**
     * Publishes {@code json} to {@code channel} (a valid channel name is safe in a URL path as it is) with
     * {@code eventId} as its {@code Idempotency-Key} (null: ingest makes one).
     */
    public Result publish(String channel, String eventId, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/channels/" + channel + "/events"))
                .timeout(timeout).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (eventId != null) {
            request.header("Idempotency-Key", eventId);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ledger.publishFailed(channel, PublishFailure.UNKNOWN);
            return new Result(Outcome.UNKNOWN, -1, null);
        } catch (Exception e) {
            ledger.publishFailed(channel, PublishFailure.UNKNOWN);
            return new Result(Outcome.UNKNOWN, -1, null);
        }
        JsonNode answer = parseOrNull(response.body());
        if (response.statusCode() == 201 && answer != null && answer.hasNonNull("offset")) {
            ledger.acknowledged(channel, answer.path("id").asText(), answer.path("partition").asInt(),
                    answer.path("offset").asLong());
            return new Result(Outcome.ACKNOWLEDGED, 201, answer);
        }
        ledger.publishFailed(channel, PublishFailure.FAILED);
        return new Result(Outcome.FAILED, response.statusCode(), answer);
    }

    private static JsonNode parseOrNull(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
