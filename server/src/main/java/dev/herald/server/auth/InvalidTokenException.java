package dev.herald.server.auth;

/** A token that was refused, with why ({@link #problem()}) and a message for the client. */
public final class InvalidTokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final TokenProblem problem;

    public InvalidTokenException(TokenProblem problem, String message) {
        super(message);
        this.problem = problem;
    }

    InvalidTokenException(TokenProblem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public TokenProblem problem() {
        return problem;
    }
}
