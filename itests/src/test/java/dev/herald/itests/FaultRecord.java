package dev.herald.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.Json;

/**
 * What one fault suite measured, written as {@code <fault>.json} into {@code herald.reliability.dir}
 * ({@code itests/target/reliability}) for {@code ./herald bench reliability}, which makes
 * {@code docs/reliability.md} of them (its {@code FaultResult} reads these fields).
 */
final class FaultRecord {

    private FaultRecord() {
    }

    /** Deletes fault {@code id}'s result, if any. */
    static void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    private static Path file(String id) {
        return Path.of(System.getProperty("herald.reliability.dir", "target/reliability")).resolve(id + ".json");
    }

    /**
     * Writes the result of {@code fault} ({@code what}: what the suite did) from the ledger's
     * {@code report} and {@code recovery} (empty: did not recover); {@code passed}: whether every
     * check of the suite held.
     */
    static Path write(FaultSuite.Fault fault, String what, DeliveryReport report, int subscribers,
                      java.util.Optional<Duration> recovery, String recoveryWhat, double publishP99Ms, boolean passed) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("order", fault.order());
        json.put("fault", fault.id());
        json.put("title", fault.title());
        json.put("what", what);
        json.put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        json.put("acknowledged", report.acknowledged());
        json.put("failed", report.failed());
        json.put("unknown", report.unknown());
        json.put("receipts", report.receipts());
        json.put("subscribers", subscribers);
        json.put("lost", (long) report.lost().size());
        json.put("duplicates", report.duplicateCount());
        json.put("outOfOrder", (long) report.outOfOrder().size());
        json.put("recoveryMs", recovery.map(Duration::toMillis).orElse(null));
        json.put("recoveryWhat", recoveryWhat);
        json.put("publishP99Ms", Math.round(publishP99Ms * 10) / 10.0);
        json.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version"));
        json.put("passed", passed);
        Path file = file(fault.id());
        Files.createDirectories(file.getParent());
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return file;
    }
}
