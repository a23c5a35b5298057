package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.testkit.HttpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability promise under a broker outage: a 201 always means the event is in the log. */
class BrokerOutageTest {

    private static final long PUBLISH_TIMEOUT_MS = 2_000;
    private static final int PUBLISHERS = 8;
    private static final int MAX_REQUESTS_PER_PUBLISHER = 2_000;

    @TempDir
    Path dataDir;

    record Answer(String id, int status, long millis, String retryAfter) {
    }

    @Test
    void withTheBrokerStoppedMidLoadNo201IsGivenForAnEventNotInTheLogAndFailuresAre503InBoundedTime() throws Exception {
        String topic = "outage-" + UUID.randomUUID();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).build().start();
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        try (IngestServer ingest = IngestServer.start(new IngestConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "topic", topic, "http.port", "0", "publish.timeout.ms", Long.toString(PUBLISH_TIMEOUT_MS),
                "readiness.check.interval.ms", "200", "auth.mode", "none",
                // one address publishing as fast as 503s come back would meet the per-address limit (429): not this test's subject
                "limits.publish.rate", "off", "limits.publish.bytes.rate", "off")))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                publishers.execute(() -> {
                    for (int i = 0; i < MAX_REQUESTS_PER_PUBLISHER && !stop.get(); i++) {
                        String id = "p" + publisher + "-" + i;
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/v1/channels/load-" + publisher + "/events"))
                                    .timeout(Duration.ofSeconds(30)).header("Idempotency-Key", id)
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}")).build(), HttpResponse.BodyHandlers.ofString());
                            answers.add(new Answer(id, r.statusCode(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                                    r.headers().firstValue("Retry-After").orElse(null)));
                        } catch (Exception e) {
                            answers.add(new Answer(id, -1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), null));
                        }
                    }
                });
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().filter(a -> a.status() == 201).count() >= 200);
            broker.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().filter(a -> a.status() == 503).count() >= 50);
            assertThat(HttpTestClient.get(ingest.baseUrl() + "/readyz").statusCode()).isEqualTo(503);
            broker.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> HttpTestClient.get(ingest.baseUrl() + "/readyz").statusCode() == 200);
            int before = answers.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().skip(before).anyMatch(a -> a.status() == 201));
            stop.set(true);
            publishers.shutdown();
            assertThat(publishers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (!broker.isRunning()) {
                broker.start();
            }
        }

        try {
            List<Answer> all = List.copyOf(answers);
            Set<String> inLog = LogReader.readAll(broker.bootstrapServers(), topic).stream()
                    .map(rec -> LogReader.header(rec, "ce_id")).collect(Collectors.toSet());
            Set<String> acknowledged = all.stream().filter(a -> a.status() == 201).map(Answer::id).collect(Collectors.toSet());

            System.out.printf("outage run: %d answers, %d x 201, %d x 503, slowest 503 %d ms%n", all.size(), acknowledged.size(),
                    all.stream().filter(a -> a.status() == 503).count(),
                    all.stream().filter(a -> a.status() == 503).mapToLong(Answer::millis).max().orElse(0));
            assertThat(all).extracting(Answer::status).containsOnly(201, 503);
            assertThat(inLog).containsAll(acknowledged);
            assertThat(all).filteredOn(a -> a.status() == 503).allSatisfy(a -> {
                assertThat(a.retryAfter()).isEqualTo("1");
                assertThat(a.millis()).isLessThanOrEqualTo(PUBLISH_TIMEOUT_MS + 3_000);
            });
        } finally {
            broker.stop();
        }
    }
}
