package dev.herald.cli;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;

/**
 * Where {@code herald tail} starts reading a channel: after a position (as a subscriber's
 * {@code since} means: the events after that one), at a time, with its last N events, or at the
 * start of the log.
 */
sealed interface TailStart {

    /** The events after {@code position}. */
    record After(Position position) implements TailStart {
    }

    /** The events whose record timestamp is {@code time} or later. */
    record At(Instant time) implements TailStart {
    }

    /** The channel's last {@code count} events (fewer if it has fewer). */
    record Last(int count) implements TailStart {

        public Last {
            if (count < 0) {
                throw new InvalidInputException("--last must be 0 or more, was " + count);
            }
        }
    }

    /** Every event of the channel still in the log. */
    record Beginning() implements TailStart {
    }

    /**
     * Reads a {@code --since} value: a position (a string a subscriber got), an RFC 3339 time
     * ({@code 2026-01-21T10:00:00Z}, {@code 2026-01-21T11:00:00+01:00}), or a duration back from
     * {@code clock}'s now ({@code 90s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code PT10M}).
     *
     * @throws InvalidInputException naming the value and the forms it may take, or what is wrong
     *                               with a value that looks like a position
     */
    static TailStart since(String text, Clock clock) {
        String t = text.strip();
        if (t.matches("\\d+[smhdSMHD]") || t.matches("(?i)P.*")) {
            return new At(clock.instant().minus(TokenCommand.duration(t)));
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}[Tt].*")) {
            try {
                return new At(OffsetDateTime.parse(t.toUpperCase(java.util.Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
            } catch (DateTimeException e) {
                throw new InvalidInputException("--since '" + text + "' is no RFC 3339 time: write it with its offset, "
                        + "e.g. 2026-01-21T10:00:00Z or 2026-01-21T11:00:00+01:00");
            }
        }
        if (t.matches("[A-Za-z0-9_-]{20,}")) {
            try {
                return new After(PositionCodec.decode(t));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("--since '" + text + "': " + e.getMessage());
            }
        }
        throw new InvalidInputException("--since '" + text + "' is neither a position, an RFC 3339 time (2026-01-21T10:00:00Z) "
                + "nor a duration (90s, 10m, 2h, 7d, PT10M)");
    }
}
