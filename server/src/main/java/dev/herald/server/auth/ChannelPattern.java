package dev.herald.server.auth;

import java.util.Objects;

import dev.herald.schemas.ChannelName;
import dev.herald.schemas.InvalidInputException;

/**
 * One entry of a token's {@code herald.pub} or {@code herald.sub} list: a channel name, or a
 * prefix ending in {@code *} (all channels that start with it; {@code *} alone is every channel).
 * {@code {sub}} stands for the token's subject, so {@code user.{sub}.*} gives each user their own
 * channels.
 *
 * <p>The subject is put in as text, never read as a pattern. A pattern with {@code {sub}} matches
 * nothing for a token without a subject, or with one that has any character but
 * {@code [A-Za-z0-9_@-]}: the separators {@code . : /} are refused there, or the subject
 * {@code alice.private} would reach into the channels {@code user.{sub}.*} gives {@code alice}.
 * (An issuer whose subjects are e-mail addresses maps them to ids first.)
 *
 * <p>Immutable and thread-safe.
 */
public final class ChannelPattern {

    private static final String SUBJECT = "{sub}";

    private final String text;
    /** The pattern without its trailing {@code *}. */
    private final String body;
    private final boolean prefix;
    private final boolean usesSubject;

    private ChannelPattern(String text, String body, boolean prefix) {
        this.text = text;
        this.body = body;
        this.prefix = prefix;
        this.usesSubject = body.contains(SUBJECT);
    }

    /**
     * Reads a pattern.
     *
     * @throws InvalidInputException naming what is wrong: empty, a {@code *} anywhere but at the
     *                               end, or a character or shape no channel name may have
     */
    public static ChannelPattern parse(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new InvalidInputException("channel pattern is empty");
        }
        boolean prefix = pattern.endsWith("*");
        String body = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (body.indexOf('*') >= 0) {
            throw new InvalidInputException("channel pattern '" + pattern + "' has a '*' before its end; '*' may only end a prefix");
        }
        if (!body.isEmpty()) {
            // checked with a stand-in subject: what is left must be (the start of) a channel name
            String sample = body.replace(SUBJECT, "s") + (prefix ? "x" : "");
            String violation = ChannelName.violation(sample);
            if (violation != null || body.replace(SUBJECT, "").contains("{") || body.replace(SUBJECT, "").contains("}")) {
                throw new InvalidInputException("channel pattern '" + pattern + "' can match no channel: "
                        + (violation != null ? violation : "'{' and '}' appear only in {sub}"));
            }
        } else if (!prefix) {
            throw new InvalidInputException("channel pattern is empty");
        }
        return new ChannelPattern(pattern, body, prefix);
    }

    /** Whether {@code channel} matches, with {@code subject} (may be {@code null}) for {@code {sub}}. */
    public boolean matches(String channel, String subject) {
        String expected = body;
        if (usesSubject) {
            if (!isPlainSubject(subject)) {
                return false;
            }
            expected = body.replace(SUBJECT, subject);
        }
        return prefix ? channel.startsWith(expected) : channel.equals(expected);
    }

    /** Whether {@code subject} may stand for {@code {sub}}: 1 to 255 of {@code [A-Za-z0-9_@-]}. */
    static boolean isPlainSubject(String subject) {
        if (subject == null || subject.isEmpty() || subject.length() > ChannelName.MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
