package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one fault suite of {@code itests} measured, as it writes it to
 * {@code itests/target/reliability/<fault>.json} (see {@code FaultRecord} there): the fault, what
 * was done, and the delivery checker's counts.
 *
 * @param order           where the fault goes in the report (the numbering)
 * @param fault           a short id, e.g. {@code leader-kill}
 * @param title           the fault in a few words
 * @param what            what the suite did, in a sentence or two
 * @param finishedAt      when the suite finished (ISO-8601, UTC)
 * @param acknowledged    events ingest acknowledged (201)
 * @param failed          publishes answered with an error (none of them acknowledged)
 * @param unknown         publishes with no answer (a broken connection, a timeout)
 * @param receipts        events received by all subscribers, counted per connection
 * @param subscribers     subscribers throughout
 * @param lost            acknowledged events a subscriber that should have received them never did
 * @param duplicates      events received more than once on one connection
 * @param outOfOrder      events received on a connection before one of their channel that came earlier in the log
 * @param recoveryMs      the time to recover, ms, or {@code null} when it did not
 * @param recoveryWhat    what the time to recover runs to (e.g. the first acknowledged publish after the kill)
 * @param publishP99Ms    the p99 of publish latency (an event's first attempt to its acknowledgement, retries
 *                        included) over the events first sent from the fault's start to the end of the run
 * @param machine         where the suite ran: CPUs, OS, Java
 * @param passed          whether every check of the suite held
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record FaultResult(int order, String fault, String title, String what, String finishedAt, long acknowledged, long failed,
                   long unknown, long receipts, int subscribers, long lost, long duplicates, long outOfOrder, Long recoveryMs,
                   String recoveryWhat, double publishP99Ms, String machine, boolean passed) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** Reads one result file. */
    static FaultResult read(Path file) throws IOException {
        FaultResult result = JSON.readValue(file.toFile(), FaultResult.class);
        if (result.fault() == null || result.title() == null) {
            throw new IOException(file + " is not a fault result: it has no fault or no title");
        }
        return result;
    }
}
