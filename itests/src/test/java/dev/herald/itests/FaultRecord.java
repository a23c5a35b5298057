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

    /**
     * Writes the result of fault {@code order} ({@code fault}: a short id; {@code title}: a few
     * words; {@code what}: what the suite did), from the ledger's {@code report} and
     * {@code recovery} (empty: did not recover).
     */
    static Path write(int order, String fault, String title, String what, DeliveryReport report, int subscribers,
                      java.util.Optional<Duration> recovery, String recoveryWhat, double publishP99Ms) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("order", order);
        json.put("fault", fault);
        json.put("title", title);
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
        json.put("passed", report.clean() && recovery.isPresent());
        Path dir = Path.of(System.getProperty("herald.reliability.dir", "target/reliability"));
        Files.createDirectories(dir);
        Path file = dir.resolve(fault + ".json");
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return file;
    }
}
