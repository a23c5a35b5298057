package dev.herald.bench;

import java.util.Locale;

/** How the reports print numbers: the same everywhere, whatever the default locale. */
final class Numbers {

    private Numbers() {
    }

    /** A whole number with thousands separators: {@code 12,345}. */
    static String num(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String num(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Two decimals: {@code 1.50}. */
    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Two decimals with a sign: {@code +0.25}. */
    static String signed(double value) {
        return String.format(Locale.ROOT, "%+.2f", value);
    }

    /** A ratio as a whole percentage: {@code 82%}. */
    static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    static String verdict(boolean met) {
        return met ? "pass" : "fail";
    }
}
