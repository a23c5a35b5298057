package dev.herald.edge.internal;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.auth.AdminAccess;
import dev.herald.server.auth.Grants;
import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * The edge's replay API, behind {@link AdminAccess} (admin tokens only):
 * <ul>
 *   <li>{@code POST /admin/replay} with a {@link ReplayRequest} as JSON: checks it and starts it,
 *       answering {@code 202} with its status ({@link ReplayRun#status}) and {@code Location:
 *       /admin/replay/<id>}; {@code 400 invalid-replay} for a malformed request or offsets the
 *       log does not have, {@code 409 replay-conflict} while another replay runs, for another
 *       edge or log, or a range that starts before the log start (never clamped here).</li>
 *   <li>{@code GET /admin/replay/<id>}: the replay's progress and outcome, {@code 404} for an id
 *       not kept (see {@link EdgeReplays#KEPT}).</li>
 * </ul>
 * Runs on a worker thread (it reads the request body and asks Kafka for the log's offsets), and
 * answers from it: Undertow ends a dispatched exchange when its handler returns, so an answer
 * handed to the I/O thread for later ({@link HttpAnswers}) would lose that race.
 */
final class ReplayEndpoint implements HttpHandler {

    /** The path it is routed at. */
    static final String PATH = "/admin/replay";
    /** A request body longer than this is refused: a plan names one range per partition. */
    private static final int MAX_BODY_BYTES = 256 * 1024;

    private final EdgeReplays replays;

    ReplayEndpoint(EdgeReplays replays) {
        this.replays = replays;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this);
            return;
        }
        String rest = ex.getRelativePath();
        if (rest.isEmpty() || rest.equals("/")) {
            if (!ex.getRequestMethod().equals(Methods.POST)) {
                ex.getResponseHeaders().put(Headers.ALLOW, "POST");
                problem(ex, Problem.methodNotAllowed(PATH + " starts a replay: POST it a replay request"));
                return;
            }
            start(ex);
        } else if (rest.indexOf('/', 1) < 0) {
            if (!ex.getRequestMethod().equals(Methods.GET)) {
                ex.getResponseHeaders().put(Headers.ALLOW, "GET");
                problem(ex, Problem.methodNotAllowed(PATH + "/<id> is a replay's progress: GET it"));
                return;
            }
            ReplayRun run = replays.find(rest.substring(1));
            if (run == null) {
                problem(ex, new Problem("not-found", "Not found", 404, "no replay " + rest.substring(1)
                        + " on this edge (it keeps the last " + EdgeReplays.KEPT + ")"));
            } else {
                answer(ex, 200, HttpAnswers.JSON, run.status());
            }
        } else {
            problem(ex, Problem.notFound(ex.getRequestPath()));
        }
    }

    private void start(HttpServerExchange ex) throws IOException {
        ex.startBlocking();
        byte[] body;
        try (InputStream in = ex.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            problem(ex, ReplayRefused.invalid("the request is over " + MAX_BODY_BYTES + " bytes").problem());
            return;
        }
        ReplayRequest request;
        try {
            JsonNode json = Frames.JSON.readTree(body);
            request = ReplayRequest.parse(json);
        } catch (IOException | IllegalArgumentException e) {
            problem(ex, ReplayRefused.invalid("not a replay request: " + e.getMessage()).problem());
            return;
        }
        try {
            ReplayRun run = replays.start(request, requester(ex.getAttachment(AdminAccess.GRANTS)));
            ex.getResponseHeaders().put(Headers.LOCATION, PATH + "/" + run.id());
            answer(ex, 202, HttpAnswers.JSON, run.status());
        } catch (ReplayRefused refused) {
            problem(ex, refused.problem());
        }
    }

    private static void problem(HttpServerExchange ex, Problem problem) throws IOException {
        answer(ex, problem.status(), Problem.MEDIA_TYPE, problem.toMap());
    }

    /** Answers on this (worker) thread, the exchange being in blocking mode. */
    private static void answer(HttpServerExchange ex, int status, String contentType, Object body) throws IOException {
        byte[] bytes = Frames.JSON.writeValueAsBytes(body);
        ex.startBlocking();
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        ex.getOutputStream().write(bytes);
        ex.endExchange();
    }

    /** Who asked, for the audit line: the token's subject, or what stands in for it. */
    private static String requester(Grants grants) {
        if (grants == null || grants == Grants.everything()) {
            return "anyone (tokens off)";
        }
        return grants.subject() == null ? "a token without sub" : grants.subject();
    }
}
