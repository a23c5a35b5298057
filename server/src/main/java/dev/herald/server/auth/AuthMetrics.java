package dev.herald.server.auth;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A service's token meters: {@code <prefix>_auth_refusals_total{reason}} (a token missing or
 * refused, by {@link TokenProblem#tag()}) and {@code <prefix>_auth_forbidden_total{action="publish"|"subscribe"}}
 * (a good token that does not allow the channel). Counters are made once, so counting is a lookup.
 */
public final class AuthMetrics {

    private final Map<TokenProblem, Counter> refusals = new EnumMap<>(TokenProblem.class);
    private final Counter forbiddenPublish;
    private final Counter forbiddenSubscribe;

    /** @param prefix the service's meter prefix, e.g. {@code herald.ingest} */
    public AuthMetrics(MeterRegistry registry, String prefix) {
        for (TokenProblem p : TokenProblem.values()) {
            refusals.put(p, Counter.builder(prefix + ".auth.refusals").tag("reason", p.tag())
                    .description("Requests, connections and frames whose token was missing or refused, by reason").register(registry));
        }
        forbiddenPublish = forbidden(registry, prefix, "publish");
        forbiddenSubscribe = forbidden(registry, prefix, "subscribe");
    }

    private static Counter forbidden(MeterRegistry registry, String prefix, String action) {
        return Counter.builder(prefix + ".auth.forbidden").tag("action", action)
                .description("Publishes and subscribes refused because the token does not allow the channel").register(registry);
    }

    public void refused(TokenProblem problem) {
        refusals.get(problem).increment();
    }

    public void forbiddenPublish() {
        forbiddenPublish.increment();
    }

    public void forbiddenSubscribe() {
        forbiddenSubscribe.increment();
    }
}
