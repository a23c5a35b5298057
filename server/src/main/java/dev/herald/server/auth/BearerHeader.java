package dev.herald.server.auth;

/**
 * Reads the token of an {@code Authorization} header value (RFC 6750 section 2.1:
 * {@code Bearer <b64token>}). The scheme is case-insensitive; one or more spaces separate it from
 * the token; the token is the RFC 6750 {@code b64token} characters and nothing else.
 */
public final class BearerHeader {

    private static final String SCHEME = "bearer";

    private BearerHeader() {
    }

    /**
     * The token of {@code headerValue}.
     *
     * @return the token, or {@code null} when {@code headerValue} is {@code null} (no header)
     * @throws InvalidTokenException {@link TokenProblem#MALFORMED} when the header is present but
     *                               not {@code Bearer} followed by one well-formed token
     */
    public static String token(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        int space = headerValue.indexOf(' ');
        if (space <= 0 || !headerValue.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) || space != SCHEME.length()) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the Authorization header is not 'Bearer <token>'");
        }
        int start = space;
        while (start < headerValue.length() && headerValue.charAt(start) == ' ') {
            start++;
        }
        int end = headerValue.length();
        while (end > start && headerValue.charAt(end - 1) == ' ') {
            end--;
        }
        if (start == end) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the Authorization header has no token after 'Bearer'");
        }
        String token = headerValue.substring(start, end);
        if (!isB64Token(token)) {
            throw new InvalidTokenException(TokenProblem.MALFORMED, "the bearer token has characters a token cannot have");
        }
        return token;
    }

    /** RFC 6750: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isB64Token(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isTokenChar(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
