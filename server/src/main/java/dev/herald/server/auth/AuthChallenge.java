package dev.herald.server.auth;

/**
 * The {@code WWW-Authenticate} challenges of RFC 6750 section 3 that go with a 401 or 403:
 * {@code Bearer realm="herald"} alone when no token came, with {@code error="invalid_token"} and a
 * description when one was refused, with {@code error="insufficient_scope"} when a good token
 * does not allow the channel.
 */
public final class AuthChallenge {

    /** The realm every challenge names. */
    public static final String REALM = "herald";

    private AuthChallenge() {
    }

    /** The challenge for a token refused with {@code problem} and {@code description}. */
    public static String refused(TokenProblem problem, String description) {
        if (problem.errorCode() == null) {
            return "Bearer realm=\"" + REALM + "\"";
        }
        return withError(problem.errorCode(), description);
    }

    /** The challenge for a valid token that does not allow what was asked. */
    public static String insufficientScope(String description) {
        return withError("insufficient_scope", description);
    }

    private static String withError(String error, String description) {
        return "Bearer realm=\"" + REALM + "\", error=\"" + error + "\", error_description=\"" + quotable(description) + "\"";
    }

    /** RFC 6750 allows %x20-21 / %x23-5B / %x5D-7E in a description: no quote, no backslash, printable ASCII. */
    static String quotable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }
}
