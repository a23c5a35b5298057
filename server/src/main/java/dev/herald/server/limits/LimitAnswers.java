package dev.herald.server.limits;

import dev.herald.server.http.HttpAnswers;
import dev.herald.server.http.Problem;
import io.undertow.server.HttpServerExchange;

/** The HTTP answer of a limit: 429 {@code rate-limited} with {@code Retry-After} (RFC 6585), alike on every service. */
public final class LimitAnswers {

    private LimitAnswers() {
    }

    /** The problem of {@code refusal}, naming the limit and carrying its wait. */
    public static Problem problemOf(Refusal refusal, String detail) {
        return new Problem("rate-limited", "Too many requests", 429, detail + " (limit: " + refusal.reason().tag() + ")",
                (int) Math.min(Integer.MAX_VALUE, refusal.retryAfterSeconds()));
    }

    /** Answers 429 for {@code refusal}. */
    public static void tooMany(HttpServerExchange exchange, Refusal refusal, String detail) {
        HttpAnswers.problem(exchange, problemOf(refusal, detail));
    }
}
