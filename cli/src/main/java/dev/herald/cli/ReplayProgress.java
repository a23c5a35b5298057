package dev.herald.cli;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Shows a running replay's progress from its status ({@code GET /admin/replay/<id>}): on a terminal
 * one line redrawn in place ({@code \r}) with a bar, the records read, the rate and the time left;
 * otherwise (a pipe, a log file, CI) a plain line at most every {@value #PLAIN_INTERVAL_MS} ms.
 * Then a summary. One thread.
 */
final class ReplayProgress {

    private static final long PLAIN_INTERVAL_MS = 2_000;
    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private long lastPlainMs;
    private boolean drawn;

    ReplayProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows {@code status}, a replay still running. */
    void update(JsonNode status, long nowMs) {
        long read = status.get("offsetsRead").asLong();
        long total = status.get("offsetsTotal").asLong();
        long rate = status.get("offsetsPerSec").asLong();
        String left = rate > 0 ? seconds((total - read) / (double) rate) + " left" : "";
        if (terminal) {
            int filled = total == 0 ? BAR : (int) (BAR * read / total);
            out.printf(Locale.ROOT, "\rreplay %s [%s%s] %3d%% %,d of %,d offsets, %,d records, %,d/s %s   ", status.get("id").asText(),
                    "#".repeat(filled), "-".repeat(BAR - filled), total == 0 ? 100 : 100 * read / total, read, total,
                    status.get("records").asLong(), rate, left);
            drawn = true;
            out.flush();
        } else if (nowMs - lastPlainMs >= PLAIN_INTERVAL_MS) {
            lastPlainMs = nowMs;
            out.printf(Locale.ROOT, "replay %s: %,d of %,d offsets read, %,d records, %,d offsets/s, %s%n", status.get("id").asText(), read,
                    total, status.get("records").asLong(), rate, left.isEmpty() ? "starting" : left);
            out.flush();
        }
    }

    /** Ends the progress line and prints the summary of the ended replay {@code status}. */
    void summary(JsonNode status) {
        if (drawn) {
            out.println();
        }
        boolean history = status.get("mode").asText().equals("history");
        out.printf(Locale.ROOT, "replay %s %s in %s: %,d records read, %,d %s, %,d skipped (already stored, duplicates or malformed)%n",
                status.get("id").asText(), status.get("state").asText(), seconds(status.get("elapsedMs").asLong() / 1000.0),
                status.get("records").asLong(), status.get("replayed").asLong(),
                history ? "stored in the edge's history" : "sent again to live subscribers", status.get("skipped").asLong());
        JsonNode complete = status.get("historyCompletePartitions");
        if (history && complete != null && complete.isArray() && !complete.isEmpty()) {
            out.println("the edge's history now holds every event from the replay's start in partition(s) " + complete);
        }
        if (status.hasNonNull("error")) {
            out.println("error: " + status.get("error").asText());
        }
        out.flush();
    }

    private static String seconds(double s) {
        return s < 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%,d s", Math.round(s));
    }
}
