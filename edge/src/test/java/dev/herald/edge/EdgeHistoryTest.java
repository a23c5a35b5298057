package dev.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.fanout.FanoutConsumer;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import dev.herald.server.auth.TokenMinter;
import dev.herald.testkit.HttpTestClient;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The history route, {@code GET /v1/channels/{channel}/events}, asked over plain HTTP as any client
 * would, against an edge on a real broker.
 */
class EdgeHistoryTest extends LogBackedTest {

    private static final String SECRET = "history-test-secret-of-at-least-32-bytes";

    @Test
    void pagesFollowedByNextGiveEveryEventOfTheChannelOnceInOrderThoughBusierChannelsShareItsPartition() throws Exception {
        String topic = log.topic();
        String other = sharingPartitionWith("quiet", 3);
        // a page reads at most 50 records of the partition, nine busy records for each quiet one: about 5 quiet events
        try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "20", "history.scan.max.records", "50"))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                acks.add(log.producer().send(LogFixture.record(topic, "quiet", "{\"n\":" + i + "}")));
                for (int j = 0; j < 9; j++) {
                    acks.add(log.producer().send(LogFixture.record(topic, other, "{\"busy\":" + j + "}")));
                }
            }
            for (Future<RecordMetadata> a : acks) {
                a.get();
            }

            List<Integer> ns = new ArrayList<>();
            List<JsonNode> pages = follow(edge, "quiet", null, 7, ns);
            assertThat(ns).containsExactlyElementsOf(LogFixture.range(0, 300));
            assertThat(pages).allSatisfy(p -> assertThat(p.get("events").size()).isLessThanOrEqualTo(7));
            assertThat(pages).as("pages cut short by the scan bound, still with more to come")
                    .anySatisfy(p -> assertThat(p.get("events").size()).isLessThan(7));
            JsonNode first = pages.get(0).get("events").get(0);
            assertThat(first.get("op").asText()).isEqualTo("event");
            assertThat(first.get("channel").asText()).isEqualTo("quiet");
            assertThat(first.get("ts").asLong()).isPositive();
            assertThat(first.get("id").asText()).isNotEmpty();
            assertThat(PositionCodec.decode(first.get("position").asText()).offset()).isZero();
            String next = pages.get(pages.size() - 1).get("next").asText();

            // more events later: the last next goes on from there, served from the edge's local history once it has them
            for (int i = 300; i < 305; i++) {
                log.publish(topic, "quiet", "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> edge.registry().get("herald.edge.consumed").tag("result", "delivered")
                    .counter().count() >= 3_005);
            List<Integer> later = new ArrayList<>();
            follow(edge, "quiet", next, 100, later);
            assertThat(later).containsExactly(300, 301, 302, 303, 304);
            // counted once the answer is written, which the client may read first
            int served = pages.size() + 1;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(edge.registry().get("herald.edge.history.requests")
                    .tag("result", "ok").counter().count()).isEqualTo(served));
        }
    }

    @Test
    void sinceATimeStartsAtTheFirstEventAtOrAfterIt() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            Instant between = publishAround(topic, "timed", 5, 5);
            JsonNode page = json(get(edge, "timed", "since=" + enc(between.toString())));
            assertThat(ns(page)).containsExactly(100, 101, 102, 103, 104);
            assertThat(page.get("more").asBoolean()).isFalse();

            String withOffset = between.atOffset(ZoneOffset.ofHours(2)).toString(); // 2026-...T12:00:00.123+02:00, the same instant
            assertThat(ns(json(get(edge, "timed", "since=" + enc(withOffset))))).containsExactly(100, 101, 102, 103, 104);
            assertThat(ns(json(get(edge, "timed", null)))).as("without since: from the oldest").hasSize(10);
            JsonNode after = json(get(edge, "timed", "since=" + enc(Instant.now().plusSeconds(3_600).toString())));
            assertThat(after.get("events").size()).isZero();
            assertThat(after.get("more").asBoolean()).isFalse();
        }
    }

    @Test
    void aPositionOrATimeOlderThanTheLogHoldsIsAnsweredGoneNotSkipped() throws Exception {
        String topic = log.topic();
        // the edge's own history keeps the last two: older pages come from the log
        try (EdgeServer edge = log.edge(topic, Map.of("history.per.channel", "2"))) {
            Instant before = Instant.now().minusSeconds(60);
            List<String> positions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                positions.add(log.publish(topic, "old", "{\"n\":" + i + "}"));
            }
            Position fifth = PositionCodec.decode(positions.get(5));
            log.admin().deleteRecords(Map.of(new TopicPartition(topic, fifth.partition()), RecordsToDelete.beforeOffset(fifth.offset())))
                    .all().get();

            assertProblem(get(edge, "old", "since=" + positions.get(1)), 410, "offset-out-of-range");
            assertProblem(get(edge, "old", "since=" + enc(before.toString())), 410, "offset-out-of-range");
            assertThat(ns(json(get(edge, "old", null)))).as("without since: from the oldest still held").containsExactly(5, 6, 7, 8, 9);
            assertThat(ns(json(get(edge, "old", "since=" + positions.get(4))))).containsExactly(5, 6, 7, 8, 9);
            assertThat(edge.registry().get("herald.edge.history.requests").tag("result", "gone").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void badParametersAreAnswered400AndAPositionOfAnotherLog409() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            String position = log.publish(topic, "c", "{\"n\":0}");
            assertProblem(get(edge, "c", "limit=0"), 400, "invalid-limit");
            assertProblem(get(edge, "c", "limit=1001"), 400, "invalid-limit");
            assertProblem(get(edge, "c", "limit=ten"), 400, "invalid-limit");
            assertProblem(get(edge, "c", "since=garbage"), 400, "invalid-position");
            assertProblem(get(edge, "c", "since=" + enc("2026-13-01T10:00:00Z")), 400, "invalid-position");
            assertProblem(get(edge, "c", "since=" + enc("2026-12-01T10:00:00")), 400, "invalid-position");
            assertProblem(get(edge, "c", "since=" + position + "&since=" + position), 400, "invalid-position");
            assertProblem(get(edge, onAnotherPartitionThan("c", 3), "since=" + position), 400, "invalid-position");
            assertProblem(HttpTestClient.get(edge.baseUrl() + "/v1/channels/a..b/events"), 400, "invalid-channel");
            String otherLog = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), 3), 0, 0));
            assertProblem(get(edge, "c", "since=" + otherLog), 409, "epoch-mismatch");
            HttpResponse<String> post = HttpTestClient.post(edge.baseUrl() + "/v1/channels/c/events", "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(json(get(edge, "c", "limit=1000")).get("events").size()).isEqualTo(1);
            assertThat(HttpTestClient.get(edge.baseUrl() + "/v1/channels/c/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aChannelWithASlashIsNamedAsOneEncodedPathSegment() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of())) {
            log.publish(topic, "users/42", "{\"n\":1}");
            JsonNode page = json(HttpTestClient.get(edge.baseUrl() + "/v1/channels/users%2F42/events"));
            assertThat(page.get("channel").asText()).isEqualTo("users/42");
            assertThat(ns(page)).containsExactly(1);
        }
    }

    @Test
    void withTokensOnAPageNeedsATokenThatMaySubscribeToTheChannelInTheHeaderOrTheCookie() throws Exception {
        String topic = log.topic();
        try (EdgeServer edge = log.edge(topic, Map.of("auth.mode", "jwt", "auth.hmac.secret", SECRET))) {
            log.publish(topic, "room.1", "{\"n\":1}");
            TokenMinter minter = TokenMinter.hmac(SECRET);
            String mayFollow = minter.mint("ana", List.of(), List.of("room.*"), null, null, Instant.now(), Duration.ofMinutes(5));
            String mayNot = minter.mint("bob", List.of(), List.of("lobby"), null, null, Instant.now(), Duration.ofMinutes(5));
            URI url = URI.create(edge.baseUrl() + "/v1/channels/room.1/events");

            HttpResponse<String> none = HttpTestClient.send(HttpRequest.newBuilder(url).GET().build());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            HttpResponse<String> other = HttpTestClient.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + mayNot).GET().build());
            assertProblem(other, 403, "forbidden");
            HttpResponse<String> header = HttpTestClient.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + mayFollow).GET().build());
            assertThat(ns(json(header))).containsExactly(1);
            HttpResponse<String> cookie = HttpTestClient.send(HttpRequest.newBuilder(url).header("Cookie", "herald_token=" + mayFollow).GET().build());
            assertThat(ns(json(cookie))).containsExactly(1);
            assertThat(edge.registry().get("herald.edge.history.requests").tag("result", "unauthorized").counter().count()).isEqualTo(1);
            assertThat(edge.registry().get("herald.edge.history.requests").tag("result", "forbidden").counter().count()).isEqualTo(1);
        }
    }

    /**
     * Publishes {@code before} events {"n":0..} to {@code channel}, then, once the clock has moved past
     * the last one's timestamp, {@code after} events {"n":100..}; returns an instant between the two.
     */
    static Instant publishAround(String topic, String channel, int before, int after) throws Exception {
        long lastBefore = 0;
        for (int i = 0; i < before; i++) {
            lastBefore = log.producer().send(LogFixture.record(topic, channel, "{\"n\":" + i + "}")).get().timestamp();
        }
        Instant between = Instant.ofEpochMilli(lastBefore + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > between.toEpochMilli());
        for (int i = 0; i < after; i++) {
            log.producer().send(LogFixture.record(topic, channel, "{\"n\":" + (100 + i) + "}")).get();
        }
        return between;
    }

    /** A channel other than {@code channel} on the same partition of a log of {@code partitions}. */
    static String sharingPartitionWith(String channel, int partitions) {
        int partition = FanoutConsumer.partitionOf(channel, partitions);
        for (int i = 0; ; i++) {
            String candidate = "busy-" + i;
            if (FanoutConsumer.partitionOf(candidate, partitions) == partition) {
                return candidate;
            }
        }
    }

    /** A channel on another partition than {@code channel} of a log of {@code partitions}. */
    static String onAnotherPartitionThan(String channel, int partitions) {
        int partition = FanoutConsumer.partitionOf(channel, partitions);
        for (int i = 0; ; i++) {
            String candidate = "elsewhere-" + i;
            if (FanoutConsumer.partitionOf(candidate, partitions) != partition) {
                return candidate;
            }
        }
    }

    /** Follows {@code next} from {@code since} until {@code more} is false, adding each event's n; returns the pages. */
    private static List<JsonNode> follow(EdgeServer edge, String channel, String since, int limit, List<Integer> ns) {
        List<JsonNode> pages = new ArrayList<>();
        String from = since;
        while (true) {
            HttpResponse<String> answer = get(edge, channel, (from == null ? "" : "since=" + from + "&") + "limit=" + limit);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode page = json(answer);
            pages.add(page);
            ns.addAll(ns(page));
            assertThat(pages).as("pages").hasSizeLessThan(10_000);
            if (!page.get("more").asBoolean()) {
                return pages;
            }
            from = page.get("next").asText();
        }
    }

    private static HttpResponse<String> get(EdgeServer edge, String channel, String query) {
        return HttpTestClient.get(edge.baseUrl() + "/v1/channels/" + enc(channel) + "/events" + (query == null ? "" : "?" + query));
    }

    private static JsonNode json(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return HttpTestClient.json(answer);
    }

    private static List<Integer> ns(JsonNode page) {
        List<Integer> ns = new ArrayList<>();
        page.get("events").forEach(e -> ns.add(e.at("/data/n").asInt()));
        return ns;
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String slug) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(HttpTestClient.json(answer).get("type").asText()).isEqualTo("urn:herald:problem:" + slug);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
