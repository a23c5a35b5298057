package dev.herald.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A bounded memory of tokens already verified, for a service that sees the same token again and
 * again (a publisher sends its one token with every POST): a token met before gives its grants
 * without being parsed and checked again, so a request's cost and garbage with tokens on stay
 * near those without.
 *
 * <p>What is remembered is the exact token text, so a hit is the same bytes that were verified.
 * A remembered token is given out only until its {@code exp} (by {@code clock}, with no skew:
 * after it, the token is verified again, and refused once past the skew), and for at most
 * {@code maxAge} after it was verified, so that a key withdrawn from a JWKS stops being trusted
 * within that time. At most {@code maxTokens} are kept; the least used go first.
 *
 * <p>Thread-safe.
 */
public final class VerifiedTokens {

    private final Cache<String, Grants> cache;
    private final Clock clock;

    public VerifiedTokens(long maxTokens, Duration maxAge, Ticker ticker, Clock clock) {
        // maintenance (eviction) on the calling thread: no pool thread, and the bound holds as soon as a put returns
        this.cache = Caffeine.newBuilder().maximumSize(maxTokens).expireAfterWrite(maxAge).ticker(ticker).executor(Runnable::run).build();
        this.clock = clock;
    }

    /**
     * The grants of {@code token}: remembered ones while they last, else {@code verify}'s
     * (remembered if it returns).
     *
     * @throws InvalidTokenException as {@code verify} throws it; a refused token is not remembered
     */
    public Grants grants(String token, Function<String, Grants> verify) {
        if (token == null) {
            return verify.apply(null);
        }
        Grants known = cache.getIfPresent(token);
        if (known != null && (known.expiresAt() == null || clock.instant().isBefore(known.expiresAt()))) {
            return known;
        }
        Grants verified = verify.apply(token);
        cache.put(token, verified);
        return verified;
    }

    /** Tokens remembered now (an estimate). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
