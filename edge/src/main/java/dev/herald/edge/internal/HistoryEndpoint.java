package dev.herald.edge.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.fanout.StoredFrame;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.protocol.ResumeReason;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/channels/{channel}/events?since=<position or RFC 3339 time>&limit=N}: a page of a
 * channel's history, oldest first, and the position to continue from.
 *
 * <pre>
 * 200 {"channel":"c","events":[&lt;event frame&gt;, ...],"next":"&lt;position&gt;","more":true|false}
 * </pre>
 *
 * Each element of {@code events} is the channel's WebSocket {@code event} frame, byte for byte
 * (op, channel, id, position, ts, data or base64 data with encoding). {@code next} is a position:
 * passed back as {@code since} it gives the next page; as a WebSocket {@code since} or an SSE
 * {@code Last-Event-ID} it resumes live from there. {@code more} is false when the page reached
 * the partition's end as of the request: a client follows {@code next} until then, and gets every
 * event once, in order. A page may hold fewer than {@code limit} events (none, even) with
 * {@code more} true: it stopped at its bounds of work (see {@link HistoryPager}).
 *
 * <p>{@code since}: a position (the events after it), or an RFC 3339 time (the events from the
 * first record at or after it, see {@link LogTimeIndex}); without it, from the oldest record
 * the log still holds. {@code limit}: 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}.
 *
 * <p>Checks, the first that fails answering (as on SSE): method (405), channel and
 * {@code limit} (400), token (401, or 503 when keys cannot be read now), the token's
 * {@code herald.sub} permission for the channel (403), {@code since} (400 when malformed or of
 * another channel's partition, 409 {@code epoch-mismatch} for a position of another log, 410
 * {@code offset-out-of-range} for a position or time older than the log holds). Tokens come as on
 * SSE: the {@code Authorization} header or the cookie ({@link EdgeAuth}). A page is read on a
 * resume worker; a full worker queue answers 503 {@code resume-busy}, a log out of reach 503
 * {@code history-unavailable}, both with {@code Retry-After}.
 */
final class HistoryEndpoint implements HttpHandler {

    static final String PREFIX = "/v1/channels/";
    static final String SUFFIX = "/events";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(HistoryEndpoint.class);

    private final EdgeContext edge;
    private final HistoryPager pager;

    HistoryEndpoint(EdgeContext edge, HistoryPager pager) {
        this.edge = edge;
        this.pager = pager;
    }

    /** Where a page starts: after {@code afterOffset}, from the first record at or after {@code time}, or (both unset) from the oldest. */
    private record Since(long afterOffset, Instant time) {
        static final Since OLDEST = new Since(-1, null);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long started = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, next) -> {
            edge.metrics().history(ex.getStatusCode(), System.nanoTime() - started);
            next.proceed();
        });
        String path = exchange.getRequestPath();
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            HttpAnswers.methodNotAllowed(exchange, "GET", exchange.getRequestMethod() + " is not allowed on " + path
                    + " at an edge: it answers GET (history); publish to ingest");
            return;
        }
        String channel = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidChannel(violation));
            return;
        }
        int limit;
        try {
            limit = limit(exchange);
        } catch (InvalidInputException e) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidLimit(e.getMessage()));
            return;
        }
        edge.auth().authenticated(exchange, true, grants -> page(exchange, channel, limit, grants));
    }

    /** With the token's grants, on the exchange's I/O thread: checks the permission and {@code since}, then reads on a worker. */
    private void page(HttpServerExchange exchange, String channel, int limit, Grants grants) {
        if (!grants.maySubscribe(channel)) {
            edge.auth().forbidden(exchange, channel);
            return;
        }
        int partition = edge.consumer().partitionOf(channel);
        Since since;
        try {
            since = since(exchange, partition);
        } catch (InvalidInputException e) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidResumePoint(e.getMessage()));
            return;
        }
        if (since == null) {
            HttpAnswers.problem(exchange, EdgeProblems.epochMismatch("since is a position of another log (another topic, or another "
                    + "partition count): it names no point of this one; ask without since for the oldest events, or since=<time>"));
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            try {
                edge.resumeWorkers().execute(() -> serve(exchange, channel, partition, since, limit));
            } catch (RejectedExecutionException e) {
                HttpAnswers.problem(exchange, EdgeProblems.resumeBusy("the edge has too many reads of history waiting; retry in a moment"));
            }
        });
    }

    /** On a resume worker: reads the page and answers it. */
    private void serve(HttpServerExchange exchange, String channel, int partition, Since since, int limit) {
        HistoryPager.Page page;
        try {
            long after = since.afterOffset();
            if (since.time() != null) {
                LogTimeIndex.Start start = edge.resumeReader().startAt(partition, since.time());
                if (start.notRecovered() != null) {
                    HttpAnswers.problem(exchange, EdgeProblems.offsetOutOfRange("the log no longer holds every event of " + channel
                            + " from " + since.time() + ": retention deleted the oldest; ask without since for the oldest it holds"));
                    return;
                }
                after = start.afterOffset();
            }
            page = since.time() == null && since == Since.OLDEST ? pager.fromStart(channel, partition, limit)
                    : pager.after(channel, partition, after, limit);
        } catch (RuntimeException e) {
            LOG.warn("history of {} in partition {} cannot be read; answering 503", channel, partition, e);
            HttpAnswers.problem(exchange, EdgeProblems.historyUnavailable("the history of " + channel + " cannot be read now: "
                    + e.getMessage()));
            return;
        }
        if (page.refused() == ResumeReason.OFFSET_OUT_OF_RANGE) {
            HttpAnswers.problem(exchange, EdgeProblems.offsetOutOfRange("since is older than the log holds: partition " + partition
                    + " starts at offset " + page.logStart() + " now (retention deleted what came before); ask without since for "
                    + "the oldest events it holds"));
            return;
        }
        HttpAnswers.send(exchange, 200, HttpAnswers.JSON, body(channel, page, new Position(edge.consumer().epoch(), partition,
                page.next())));
    }

    /**
     * The answer: the frames as they are stored (shared bytes, not parsed again) between the
     * channel and the continuation.
     */
    private static byte[] body(String channel, HistoryPager.Page page, Position next) {
        int size = 96 + channel.length();
        for (StoredFrame f : page.events()) {
            size += f.frame().length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(("{\"channel\":" + quoted(channel) + ",\"events\":[").getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (StoredFrame f : page.events()) {
            if (!first) {
                out.write(',');
            }
            out.writeBytes(f.frame());
            first = false;
        }
        out.writeBytes(("],\"next\":\"" + PositionCodec.encode(next) + "\",\"more\":" + page.more() + "}").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String quoted(String text) {
        try {
            return Frames.JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string cannot be written as JSON", e);
        }
    }

    /** The {@code limit} parameter, or the default. */
    private static int limit(HttpServerExchange exchange) {
        String text = single(exchange, "limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be a whole number from 1 to " + MAX_LIMIT + " (events in a page; default "
                    + DEFAULT_LIMIT + "), was '" + (text.length() > 32 ? text.substring(0, 32) + "..." : text) + "'");
        }
        return limit;
    }

    /**
     * Where the page starts, from {@code since}; {@code null} for a position of another epoch.
     *
     * @throws InvalidInputException for a {@code since} that is neither a position nor a time, or a position of another partition
     */
    private Since since(HttpServerExchange exchange, int partition) {
        String text = single(exchange, "since");
        if (text == null) {
            return Since.OLDEST;
        }
        if (SinceTime.looksLikeTime(text)) {
            return new Since(-1, SinceTime.parse("since", text));
        }
        Position position = PositionCodec.decode(text);
        Epoch epoch = edge.consumer().epoch();
        if (!position.epoch().equals(epoch)) {
            return null;
        }
        if (position.partition() != partition) {
            throw new InvalidInputException("since is a position of another channel's partition; pass a position of this channel "
                    + "(an event's position, or the next of one of its pages)");
        }
        return new Since(position.offset(), null);
    }

    /**
     * The one value of query parameter {@code name}, or {@code null} without one.
     *
     * @throws InvalidInputException when it is given twice
     */
    private static String single(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidInputException(name + " is given " + values.size() + " times; give it once");
        }
        return values.getFirst();
    }
}
