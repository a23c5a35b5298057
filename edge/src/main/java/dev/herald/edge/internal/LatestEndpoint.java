package dev.herald.edge.internal;

import java.util.concurrent.RejectedExecutionException;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.FrameCodec;
import dev.herald.schemas.PositionCodec;
import dev.herald.schemas.RetainedEvent;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/channels/{channel}/latest}: the channel's latest value, as the edge's copy of
 * {@code herald.latest} holds it ({@link LatestFollower}).
 *
 * <pre>
 * 200 {"op":"event","channel":"c","id":"...","position":"...","retained":true,"ts":...,"data":...}
 * 404 problem no-latest-value     the channel has none (never had an event, or was cleared), or no streams service keeps them
 * 503 problem latest-loading      the edge is still reading them after its start (Retry-After)
 * </pre>
 *
 * The body is the event frame a subscribe with {@code "last":true} gets first, byte for byte: its
 * {@code position} resumes from it (WebSocket {@code since}, SSE {@code Last-Event-ID}). A value of
 * another epoch of the log than the edge follows is none (404). Who may ask, and how a refusal
 * answers, as on the history route ({@link HistoryEndpoint}): the token of SSE (header or cookie,
 * {@link EdgeAuth}) with {@code herald.sub} for the channel, CORS for allowed origins. The look-up
 * runs on a resume worker (it may wait up to {@code latest.wait.ms} at start-up); a full worker
 * queue answers 503 {@code resume-busy}.
 */
final class LatestEndpoint implements HttpHandler {

    static final String SUFFIX = "/latest";

    private static final Logger LOG = LoggerFactory.getLogger(LatestEndpoint.class);

    private final EdgeContext edge;

    LatestEndpoint(EdgeContext edge) {
        this.edge = edge;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.addExchangeCompleteListener((ex, next) -> {
            edge.metrics().latestRequest(ex.getStatusCode());
            next.proceed();
        });
        String path = exchange.getRequestPath();
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            HttpAnswers.methodNotAllowed(exchange, "GET", exchange.getRequestMethod() + " is not allowed on " + path
                    + " at an edge: it answers GET (the latest value); clear it with DELETE on ingest");
            return;
        }
        String channel = path.substring(HistoryEndpoint.PREFIX.length(), path.length() - SUFFIX.length());
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidChannel(violation));
            return;
        }
        edge.auth().authenticated(exchange, true, grants -> latest(exchange, channel, grants));
    }

    /** With the token's grants, on the exchange's I/O thread: checks the permission, then looks up on a worker. */
    private void latest(HttpServerExchange exchange, String channel, Grants grants) {
        if (!grants.maySubscribe(channel)) {
            edge.auth().forbidden(exchange, channel);
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            try {
                edge.resumeWorkers().execute(() -> serve(exchange, channel));
            } catch (RejectedExecutionException e) {
                HttpAnswers.problem(exchange, EdgeProblems.resumeBusy("the edge has too many reads waiting; retry in a moment"));
            }
        });
    }

    /** On a resume worker: looks the value up and answers. */
    private void serve(HttpServerExchange exchange, String channel) {
        LatestFollower.Lookup found;
        try {
            found = edge.latest().lookup(channel, edge.latestWaitMs());
        } catch (RuntimeException e) {
            LOG.warn("the latest value of {} cannot be read; answering 503", channel, e);
            HttpAnswers.problem(exchange, EdgeProblems.latestLoading("the latest value of " + channel + " cannot be read now: "
                    + e.getMessage()));
            return;
        }
        RetainedEvent value = found.event();
        if (value != null && value.position().epoch().equals(edge.consumer().epoch())) {
            HttpAnswers.send(exchange, 200, HttpAnswers.JSON, FrameCodec.retainedFrame(value.event(), PositionCodec.encode(value.position())));
            return;
        }
        if (value != null) {
            HttpAnswers.problem(exchange, EdgeProblems.noLatestValue("the latest value of " + channel + " was read from another log "
                    + "(another topic, or another partition count) than this edge follows; publish to the channel again"));
            return;
        }
        switch (found.missing()) {
            case LOADING -> HttpAnswers.problem(exchange, EdgeProblems.latestLoading("the edge is still reading the latest values after "
                    + "its start; retry in a moment"));
            case UNAVAILABLE -> HttpAnswers.problem(exchange, EdgeProblems.noLatestValue("this edge keeps no latest values: their topic "
                    + "does not exist or cannot be read (is the streams service running? ./herald streams)"));
            default -> HttpAnswers.problem(exchange, EdgeProblems.noLatestValue(channel + " has no latest value: no event was published "
                    + "to it, or its latest value was cleared"));
        }
    }
}
