package dev.herald.server.limits;

/** What {@link FrameLimiter#tryFrame()} answers for one client frame. */
public enum FrameDecision {

    /** Handle the frame. */
    ALLOWED,
    /** Drop the frame and answer it with an error frame (code {@code rate-limited}); the connection stays. */
    REFUSED,
    /** Drop the frame and close the connection with 4029 (rate limited). */
    CLOSE
}
