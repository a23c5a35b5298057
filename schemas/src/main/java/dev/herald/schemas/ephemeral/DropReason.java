package dev.herald.schemas.ephemeral;

import java.util.Locale;

/** Why a receiver dropped a datagram; each is counted apart. */
public enum DropReason {
    /** Not a Herald datagram, or one of an unknown version, or fields that do not add up. */
    MALFORMED,
    /** Shorter than its own fields say: cut off in transit or on purpose. */
    TRUNCATED,
    /** Longer than the lane's largest datagram. */
    OVERSIZED,
    /** No signature at all. */
    UNSIGNED,
    /** A signature that does not match: forged, altered, or signed under another secret. */
    BAD_SIGNATURE,
    /** A sender and sequence seen already, or too far behind that sender's latest to tell. */
    REPLAYED,
    /** Sent longer ago (or further ahead) than the lane accepts. */
    STALE;

    /** The name used in metric tags: lower case, dashes. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
