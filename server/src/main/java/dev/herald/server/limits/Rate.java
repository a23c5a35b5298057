package dev.herald.server.limits;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token-bucket rate: {@code perSecond} permits a second on average, and at most {@code burst}
 * at once (the bucket's size; a bucket starts full). {@link #UNLIMITED} ({@code 0, 0}) turns the
 * limit off.
 *
 * <p>As text ({@link #parse}, {@link #toString}):
 * <pre>
 *   off | 0                          the limit is off
 *   AMOUNT/s                         AMOUNT a second, burst AMOUNT
 *   AMOUNT/s burst AMOUNT            e.g. 100/s burst 200, 8Mi/s burst 16Mi
 *   AMOUNT = digits [k | M | G | Ki | Mi | Gi]   (10^3, 10^6, 10^9, 2^10, 2^20, 2^30; _ between digits is ignored)
 * </pre>
 *
 * @param perSecond permits a second, 1 to {@value #MAX_PER_SECOND}; 0 only in {@link #UNLIMITED}
 * @param burst     most permits at once, at least 1; 0 only in {@link #UNLIMITED}
 */
public record Rate(long perSecond, long burst) {

    /** No limit. */
    public static final Rate UNLIMITED = new Rate(0, 0);

    /** The highest rate: Bucket4j refills at most one permit a nanosecond. */
    public static final long MAX_PER_SECOND = 1_000_000_000L;

    private static final String FORM = "off, 0, <n>/s or <n>/s burst <n>";
    private static final Pattern TEXT = Pattern.compile("(\\S+?)\\s*/\\s*(?i:s)(?:\\s+(?i:burst)\\s+(\\S+))?");
    private static final Pattern AMOUNT = Pattern.compile("([0-9][0-9_]*)(k|M|G|Ki|Mi|Gi)?");

    /**
     * @throws IllegalArgumentException naming the bad value
     */
    public Rate {
        if (perSecond != 0 || burst != 0) {
            if (perSecond < 1 || perSecond > MAX_PER_SECOND) {
                throw new IllegalArgumentException("a rate must be 1 to " + MAX_PER_SECOND + " a second (or off), not " + perSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("a rate's burst must be at least 1, not " + burst);
            }
        }
    }

    /** {@code perSecond} a second with a burst of as many. */
    public static Rate perSecond(long perSecond) {
        return new Rate(perSecond, perSecond);
    }

    /** {@code true} for {@link #UNLIMITED}: nothing is ever refused. */
    public boolean unlimited() {
        return perSecond == 0;
    }

    /**
     * Reads a rate written as in the class comment.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text} and what is expected
     */
    public static Rate parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no rate given; expected " + FORM);
        }
        String s = text.strip();
        if (s.equals("0") || s.toLowerCase(Locale.ROOT).equals("off")) {
            return UNLIMITED;
        }
        Matcher m = TEXT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("rate '" + text + "' is not of the form " + FORM);
        }
        long perSecond = amount(m.group(1), text);
        if (perSecond == 0) {
            throw new IllegalArgumentException("rate '" + text + "' would refuse everything; write off to turn the limit off");
        }
        long burst = m.group(2) == null ? perSecond : amount(m.group(2), text);
        try {
            return new Rate(perSecond, burst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rate '" + text + "': " + e.getMessage(), e);
        }
    }

    private static long amount(String token, String text) {
        Matcher m = AMOUNT.matcher(token);
        if (!m.matches()) {
            throw new IllegalArgumentException("rate '" + text + "': '" + token
                    + "' is not an amount (digits, then optionally k, M, G, Ki, Mi or Gi)");
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            default -> 1L << 30;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1).replace("_", "")), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("rate '" + text + "': '" + token + "' is too large");
        }
    }

    /** The rate as {@link #parse} reads it: {@code off}, {@code 100/s} or {@code 100/s burst 200}. */
    @Override
    public String toString() {
        if (unlimited()) {
            return "off";
        }
        return burst == perSecond ? perSecond + "/s" : perSecond + "/s burst " + burst;
    }
}
