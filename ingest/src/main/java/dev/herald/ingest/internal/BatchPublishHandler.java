package dev.herald.ingest.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.herald.ingest.internal.IngestMetrics.Api;
import dev.herald.ingest.internal.IngestMetrics.Result;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * {@code POST /v1/events}: a batch of events as NDJSON, one per line.
 *
 * <p>Each line stands alone: a bad line gets its own problem and the others are still written.
 * The answer is NDJSON too, one result line per request line, in request order, sent once every
 * line has its outcome (so every 201 in it is acknowledged by Kafka). Lines are handed to the
 * producer in order, so the lines of one channel keep their order in the log.
 */
final class BatchPublishHandler {

    private final Publisher publisher;
    private final EphemeralPublisher ephemeral;
    private final IngestMetrics metrics;
    private final Executor workers;
    private final BatchLineParser parser;
    private final int maxBatchBytes;
    private final int maxLines;
    private final IngestAuth auth;
    private final PublishQuota quota;

    BatchPublishHandler(Publisher publisher, EphemeralPublisher ephemeral, IngestMetrics metrics, Executor workers, int maxPayloadBytes,
                        int maxBatchBytes, int maxLines, IngestAuth auth, PublishQuota quota) {
        this.auth = auth;
        this.quota = quota;
        this.publisher = publisher;
        this.ephemeral = ephemeral;
        this.metrics = metrics;
        this.workers = workers;
        this.parser = new BatchLineParser(maxPayloadBytes);
        this.maxBatchBytes = maxBatchBytes;
        this.maxLines = maxLines;
    }

    /** Publishes each line the {@code grants} allow; a line to a channel they do not allow fails alone with 403. */
    void handle(HttpServerExchange exchange, Grants grants) {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (!isNdjson(contentType)) {
            HttpAnswers.problem(exchange, IngestProblems.unsupportedMediaType("a batch must be sent as application/x-ndjson, was "
                    + (contentType == null ? "no Content-Type" : "'" + contentType + "'")));
            return;
        }
        BoundedBodyReader.read(exchange, maxBatchBytes,
                (ex, body) -> Responses.onWorker(ex, workers, () -> publishAll(ex, body, grants)),
                ex -> HttpAnswers.problem(ex, tooLarge()),
                (ex, error) -> HttpAnswers.problem(ex,
                        IngestProblems.invalidBody("the batch body could not be read: " + error.getMessage())));
    }

    private void publishAll(HttpServerExchange exchange, byte[] body, Grants grants) {
        List<int[]> lines = splitLines(body);
        if (lines.isEmpty()) {
            HttpAnswers.problem(exchange, IngestProblems.invalidBody("the batch is empty; send one JSON object per line"));
            return;
        }
        if (lines.size() > maxLines) {
            HttpAnswers.problem(exchange, IngestProblems.payloadTooLarge("the batch has " + lines.size()
                    + " lines, over publish.batch.max.lines = " + maxLines));
            return;
        }
        if (!quota.take(exchange, grants, lines.size(), body.length)) {
            metrics.publish(Api.BATCH, Result.LIMITED);
            return;
        }
        List<CompletableFuture<Map<String, Object>>> results = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            BatchLine line = parser.parse(i + 1, body, lines.get(i)[0], lines.get(i)[1]);
            results.add(publish(line, grants));
        }
        // One deadline for the whole batch; the answer is built on a worker, not on the Kafka
        // producer's network thread that completes the last outcome.
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, publisher.deadlineMs(), TimeUnit.MILLISECONDS)
                .thenRunAsync(() -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(results.size() * 160);
                    for (int i = 0; i < results.size(); i++) {
                        Map<String, Object> result = results.get(i).getNow(null);
                        out.writeBytes(Json.bytes(result != null ? result : failure(i + 1, publisher.timedOut().problem())));
                        out.write('\n');
                    }
                    HttpAnswers.send(exchange, 200, Responses.NDJSON, out.toByteArray());
                }, workers);
    }

    private CompletableFuture<Map<String, Object>> publish(BatchLine line, Grants grants) {
        if (line.problem() != null) {
            metrics.publish(Api.BATCH, line.problem().status() == 413 ? Result.TOO_LARGE : Result.INVALID);
            return CompletableFuture.completedFuture(failure(line.number(), line.problem()));
        }
        Problem forbidden = auth.publishProblem(grants, line.channel());
        if (forbidden != null) {
            metrics.publish(Api.BATCH, Result.FORBIDDEN);
            return CompletableFuture.completedFuture(failure(line.number(), forbidden));
        }
        if (line.ephemeral()) {
            EphemeralPublisher.Outcome outcome = ephemeral.publish(Api.BATCH, line.channel(), line.id(), line.type(),
                    line.contentType(), line.payload());
            if (outcome.problem() != null) {
                return CompletableFuture.completedFuture(failure(line.number(), outcome.problem()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", line.number());
            m.put("status", 202);
            m.putAll(outcome.accepted());
            return CompletableFuture.completedFuture(m);
        }
        return publisher.publish(Api.BATCH, line.channel(), line.id(), line.type(), line.contentType(), line.payload())
                .thenApply(outcome -> {
                    if (!outcome.isPublished()) {
                        return failure(line.number(), outcome.problem());
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("line", line.number());
                    m.put("status", 201);
                    m.putAll(outcome.published().toMap());
                    if (outcome.replayed()) {
                        m.put("replayed", true);
                    }
                    return m;
                });
    }

    private static Map<String, Object> failure(int number, Problem problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", number);
        m.put("status", problem.status());
        m.put("problem", problem.toMap());
        return m;
    }

    /** Line bounds [from, to) without the line break; a final line break does not start a new line. */
    static List<int[]> splitLines(byte[] body) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (i == body.length && start == body.length) {
                    break;
                }
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                lines.add(new int[] {start, end});
                start = i + 1;
            }
        }
        return lines;
    }

    private Problem tooLarge() {
        return IngestProblems.payloadTooLarge("the batch body is over publish.batch.max.bytes = " + maxBatchBytes + " bytes");
    }

    private static boolean isNdjson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return base.equals("application/x-ndjson") || base.equals("application/ndjson");
    }
}
