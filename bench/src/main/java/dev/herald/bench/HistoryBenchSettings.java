package dev.herald.bench;

/**
 * The sizes of one {@code bench history} run.
 *
 * @param seedEvents    events published before the measurements (NDJSON batches of 1,000, over the 64 bench channels):
 *                      the history read and resumed
 * @param subscribers   live WebSocket subscribers during both measurements, each of one bench channel
 * @param rate          single POSTs per second of the publishers during both measurements
 * @param clients       history clients, each reading pages back to back (a closed loop)
 * @param limit         {@code limit} of every history request
 * @param pagesPerWalk  most pages a client follows from one start before it picks another channel
 * @param seconds       length of the history measurement
 * @param resumes       most time-based resumes measured, one after the other
 * @param resumeSeconds most time the resumes may take
 * @param partitions    partitions of the run's topic
 */
record HistoryBenchSettings(int seedEvents, int subscribers, int rate, int clients, int limit, int pagesPerWalk, int seconds,
                            int resumes, int resumeSeconds, int partitions) {

    HistoryBenchSettings {
        if (seedEvents < 2_000 || subscribers < 0 || rate < 1 || clients < 1 || limit < 1 || limit > 1_000 || pagesPerWalk < 1
                || seconds < 1 || resumes < 1 || resumeSeconds < 1 || partitions < 1) {
            throw new IllegalArgumentException("bad bench history sizes: --seed-events at least 2000 (was " + seedEvents
                    + "), --limit 1 to 1000 (was " + limit + "), every other size positive (subscribers may be 0): subscribers="
                    + subscribers + ", rate=" + rate + ", clients=" + clients + ", pages=" + pagesPerWalk + ", seconds=" + seconds
                    + ", resumes=" + resumes + ", resume seconds=" + resumeSeconds);
        }
    }
}
