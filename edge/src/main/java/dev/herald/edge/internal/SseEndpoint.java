package dev.herald.edge.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.StreamCursor;
import dev.herald.schemas.protocol.ResumeReason;
import dev.herald.server.auth.Grants;
import dev.herald.server.limits.ConnectionLease;
import dev.herald.server.http.HttpAnswers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * {@code GET /v1/sse?channel=a&channel=b}: opens a Server-Sent Events stream of the named
 * channels (see {@link SseConnection}).
 *
 * <p>The resume point is the {@code Last-Event-ID} header (what a browser sends when it
 * reconnects on its own) or, for a first connection that already has one, the
 * {@code lastEventId} query parameter; the header wins. It is the stream cursor of a former
 * stream of the same channels in the same order, or, for a stream of one channel, that channel's
 * position (the same string as on WebSocket). A first connection may instead resume every channel
 * from a time, {@code since_time} (RFC 3339): each channel from the first record of its partition
 * at or after it ({@link LogTimeIndex}), or {@code recovered:false} with
 * {@code offset-out-of-range} when the log no longer holds all from that time. The times are
 * looked up on a resume worker before the stream opens, so that its very first {@code id:} already
 * holds each channel's start. A {@code Last-Event-ID} header wins over {@code since_time}, since
 * a browser's {@code EventSource} reconnects to the same URL with the header: the reconnect
 * resumes where the stream stopped, not from the time again; {@code since_time} with the
 * {@code lastEventId} parameter is a bad request. Everything is checked before the stream starts:
 * no channel, a bad or repeated channel name, too many channels, a garbage resume point or a
 * cursor of other channels answer 400 with a problem body, and no stream.
 *
 * <p>Who may: a page of an origin not allowed gets 403; with tokens on, the token (the
 * {@code Authorization} header or the cookie, see {@link EdgeAuth}) must verify (401) and allow
 * every channel named (403, nothing streamed). The stream ends when the token expires: the
 * browser reconnects with its (new) cookie and {@code Last-Event-ID}, and misses nothing.
 * A stream allowed from another origin carries the CORS headers, with credentials.
 *
 * <p>{@code ?last=true}: each channel's latest value first, as a WebSocket subscribe with
 * {@code "last":true} (see {@link Subscriptions}); a resume point ({@code Last-Event-ID},
 * {@code since_time}) wins over it, so the browser's own reconnect to the same URL resumes after
 * what it got instead of starting from the latest value again. {@code ?mode=latest}: every
 * channel of the stream is conflated for a slow reader ({@link OutboundQueue#offerLatest}).
 */
final class SseEndpoint implements HttpHandler {

    static final String LAST_EVENT_ID_PARAMETER = "lastEventId";
    static final String SINCE_TIME_PARAMETER = "since_time";
    static final String LAST_PARAMETER = "last";
    static final String MODE_PARAMETER = "mode";
    private static final Logger LOG = LoggerFactory.getLogger(SseEndpoint.class);
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");

    private final EdgeContext edge;
    private final long keepAliveMs;

    SseEndpoint(EdgeContext edge, long keepAliveMs) {
        this.edge = edge;
        this.keepAliveMs = keepAliveMs;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            HttpAnswers.methodNotAllowed(exchange, "GET", "/v1/sse answers GET only");
            return;
        }
        Deque<String> names = exchange.getQueryParameters().get("channel");
        if (names == null || names.isEmpty()) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidChannel("name at least one channel: /v1/sse?channel=a&channel=b"));
            return;
        }
        if (names.size() > edge.maxSubscriptions()) {
            HttpAnswers.problem(exchange, EdgeProblems.tooManyChannels(
                    "a stream may follow at most " + edge.maxSubscriptions() + " channels; " + names.size() + " named"));
            return;
        }
        List<String> channels = new ArrayList<>(names);
        Set<String> seen = new HashSet<>();
        for (String name : channels) {
            String violation = ChannelName.violation(name);
            if (violation != null) {
                HttpAnswers.problem(exchange, EdgeProblems.invalidChannel(violation));
                return;
            }
            if (!seen.add(name)) {
                HttpAnswers.problem(exchange, EdgeProblems.invalidChannel("channel " + name + " is named twice"));
                return;
            }
        }
        Subscriptions.Want want;
        try {
            want = want(exchange);
        } catch (InvalidInputException e) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidQuery(e.getMessage()));
            return;
        }
        edge.auth().authenticated(exchange, true, grants -> stream(exchange, channels, grants, want));
    }

    /**
     * {@code ?last=true} (each channel's latest value first) and {@code ?mode=latest} (conflation for
     * a slow reader), for every channel of the stream.
     *
     * @throws InvalidInputException for another value, or one given twice
     */
    private static Subscriptions.Want want(HttpServerExchange exchange) {
        String last = single(exchange, LAST_PARAMETER);
        String mode = single(exchange, MODE_PARAMETER);
        if (last != null && !last.equals("true") && !last.equals("false")) {
            throw new InvalidInputException(LAST_PARAMETER + " must be true or false, was '" + clip(last) + "'");
        }
        if (mode != null && !mode.equals("latest") && !mode.equals("all")) {
            throw new InvalidInputException(MODE_PARAMETER + " must be all (every event; the default) or latest (a slow reader gets the "
                    + "newest event of each channel, older ones still waiting are dropped), was '" + clip(mode) + "'");
        }
        return new Subscriptions.Want("true".equals(last), "latest".equals(mode));
    }

    private static String clip(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "..." : text;
    }

    /** The one value of query parameter {@code name}, or {@code null}; refuses it given twice. */
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

    /** Opens the stream of {@code channels} if {@code grants} allow every one (else 403); on the exchange's I/O thread. */
    private void stream(HttpServerExchange exchange, List<String> channels, Grants grants, Subscriptions.Want want) {
        for (String name : channels) {
            if (!grants.maySubscribe(name)) {
                edge.auth().forbidden(exchange, name);
                return;
            }
        }
        long[] since;
        Instant sinceTime;
        try {
            since = resumePoint(exchange, channels);
            sinceTime = since == null ? sinceTime(exchange) : null;
        } catch (InvalidInputException e) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidResumePoint(e.getMessage()));
            return;
        }
        ConnectionLease lease = EdgeLimitAnswers.admit(exchange, edge.connectionLimits());
        if (lease == null) {
            return;
        }
        exchange.addExchangeCompleteListener((ex, next) -> {
            lease.release(); // the stream is over (or never began)
            next.proceed();
        });
        if (sinceTime == null) {
            open(exchange, channels, grants, since, lease, want);
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            try {
                edge.resumeWorkers().execute(() -> {
                    long[] starts = startsAt(channels, sinceTime);
                    exchange.getIoThread().execute(() -> open(exchange, channels, grants, starts, lease, want));
                });
            } catch (RejectedExecutionException e) {
                edge.metrics().resumeRefused();
                HttpAnswers.problem(exchange, EdgeProblems.resumeBusy("the edge has too many resumes waiting; reconnect in a moment"));
            }
        });
    }

    /** Opens the stream, resuming each channel after {@code since} (see {@link SseConnection}); on the exchange's I/O thread. */
    private void open(HttpServerExchange exchange, List<String> channels, Grants grants, long[] since, ConnectionLease lease,
                      Subscriptions.Want want) {
        Duration untilExpiry = edge.auth().untilExpiry(grants);
        ServerSentEventHandler open = new ServerSentEventHandler((connection, lastEventId) -> {
            connection.setKeepAliveTime(keepAliveMs);
            connection.addCloseTask(c -> lease.release());
            new SseConnection(connection, exchange.getIoThread(), edge, channels, since, want).start(untilExpiry);
        });
        try {
            open.handleRequest(exchange);
        } catch (Exception e) { // it declares Exception; the stream cannot open
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    /**
     * On a resume worker: where each channel resumes from {@code time}, one look-up per partition
     * (see {@link LogTimeIndex}); an offset of {@link SseConnection#notRecovered} for a channel the
     * log cannot serve from then ({@code offset-out-of-range}), or all of them when the log cannot
     * be asked now ({@code history-unavailable}, logged and counted as a failed resume).
     */
    private long[] startsAt(List<String> channels, Instant time) {
        Map<Integer, Long> byPartition = new HashMap<>();
        long[] starts = new long[channels.size()];
        try {
            for (int i = 0; i < starts.length; i++) {
                starts[i] = byPartition.computeIfAbsent(edge.consumer().partitionOf(channels.get(i)), partition -> {
                    LogTimeIndex.Start start = edge.resumeReader().startAt(partition, time);
                    return start.notRecovered() == null ? start.afterOffset() : SseConnection.notRecovered(start.notRecovered());
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("a stream of {} cannot look up since_time {} in the log; its channels answer {}", channels, time,
                    ResumeReason.HISTORY_UNAVAILABLE.wire(), e);
            edge.metrics().resumeFailed();
            Arrays.fill(starts, SseConnection.notRecovered(ResumeReason.HISTORY_UNAVAILABLE));
        }
        return starts;
    }

    /**
     * The {@code since_time} to resume every channel from, or {@code null} for none; called
     * without a {@code Last-Event-ID} header or {@code lastEventId} parameter (which win over it).
     *
     * @throws InvalidInputException when it is not an RFC 3339 time, is given twice, or comes with a {@code lastEventId} parameter
     */
    private static Instant sinceTime(HttpServerExchange exchange) {
        Deque<String> values = exchange.getQueryParameters().get(SINCE_TIME_PARAMETER);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidInputException(SINCE_TIME_PARAMETER + " is given " + values.size() + " times; give it once");
        }
        return SinceTime.parse(SINCE_TIME_PARAMETER, values.getFirst());
    }

    /**
     * The offsets to resume each channel after, or {@code null} for live from now (or from
     * {@code since_time}); an offset of {@link SseConnection#OTHER_EPOCH} marks a resume point from another epoch.
     *
     * @throws InvalidInputException for a resume point that is not a cursor or position of these channels, or a
     *                               {@code lastEventId} parameter with {@code since_time}
     */
    private long[] resumePoint(HttpServerExchange exchange, List<String> channels) {
        String token = exchange.getRequestHeaders().getFirst(LAST_EVENT_ID);
        if (token == null || token.isEmpty()) {
            Deque<String> param = exchange.getQueryParameters().get(LAST_EVENT_ID_PARAMETER);
            token = param == null ? null : param.peekFirst();
            if (token != null && !token.isEmpty() && exchange.getQueryParameters().containsKey(SINCE_TIME_PARAMETER)) {
                throw new InvalidInputException("give lastEventId (a resume point) or since_time (a time), not both");
            }
        }
        if (token == null || token.isEmpty()) {
            return null;
        }
        long[] offsets = new long[channels.size()];
        if (StreamCursor.isStreamCursor(token)) {
            StreamCursor cursor = StreamCursor.decode(token);
            if (!cursor.isFor(channels)) {
                throw new InvalidInputException("the Last-Event-ID belongs to a stream of other channels, or of the same ones "
                        + "in another order; reconnect with the channels of that stream, in its order");
            }
            boolean sameEpoch = cursor.epoch().equals(edge.consumer().epoch());
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = sameEpoch ? cursor.offset(i) : SseConnection.OTHER_EPOCH;
            }
            return offsets;
        }
        Position position = PositionCodec.decode(token);
        if (channels.size() != 1) {
            throw new InvalidInputException("a stream of several channels resumes from its own Last-Event-ID (a stream cursor), "
                    + "not from one channel's position");
        }
        if (!position.epoch().equals(edge.consumer().epoch())) {
            offsets[0] = SseConnection.OTHER_EPOCH;
        } else if (position.partition() != edge.consumer().partitionOf(channels.get(0))) {
            throw new InvalidInputException("position belongs to another channel's partition");
        } else {
            offsets[0] = position.offset();
        }
        return offsets;
    }
}
