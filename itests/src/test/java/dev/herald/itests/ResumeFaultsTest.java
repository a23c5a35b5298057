package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.testkit.DeliveryLedger;
import dev.herald.testkit.DeliveryReport;
import dev.herald.testkit.HeraldCluster;
import dev.herald.testkit.LedgerPublisher;
import dev.herald.testkit.ResumingSubscriber;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscribers that lose their connection and resume, as a deployment sees them: a real broker,
 * {@code herald ingest} and {@code herald edge} processes, subscribers following 2 of 10 channels
 * each, events published through ingest at 100 a second for 6 s. Subscribers either drop at random
 * throughout and come back on the other edge, lose their edge to SIGKILL and come back when it
 * restarts, or are told to go away (1001) by a draining edge and resume on the other; or their edge
 * stalls (SIGSTOP) and must catch them up on its own once it goes on. Each way the delivery ledger must find every acknowledged event delivered to every
 * subscriber owed it, no event twice on one connection, and none out of order.
 */
class ResumeFaultsTest {

    private static final String TOPIC = "faults.events";
    private static final int CHANNELS = 10;
    private static final int SUBSCRIBERS = 40;
    private static final int EVENTS = 600;
    private static final long PUBLISH_EVERY_MS = 10;
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ResumingSubscriber> subscribers = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() throws Exception {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        subscribers.forEach(ResumingSubscriber::close);
        broker.stop();
    }

    @Test
    void subscribersDroppingThroughoutMissNothingAndNoConnectionRepeats() throws Exception {
        try (HeraldCluster cluster = HeraldCluster.start(broker.bootstrapServers(), TOPIC, 2, dir, Map.of())) {
            subscribe(cluster);
            Set<Integer> away = ConcurrentHashMap.newKeySet();
            AtomicInteger drops = new AtomicInteger();
            // 40 drops a second; each subscriber stays away 300 ms and comes back on the other edge
            ScheduledFuture<?> churn = timer.scheduleAtFixedRate(() -> {
                int i = ThreadLocalRandom.current().nextInt(SUBSCRIBERS);
                if (away.add(i)) {
                    subscribers.get(i).drop();
                    drops.incrementAndGet();
                    timer.schedule(() -> reconnect(cluster, i, away), 300, TimeUnit.MILLISECONDS);
                }
            }, 0, 25, TimeUnit.MILLISECONDS);

            publishAll(cluster, () -> { });
            churn.cancel(false); // no more drops; the reconnects already scheduled still run
            await("every dropped subscriber reconnected").atMost(Duration.ofSeconds(30)).until(away::isEmpty);

            DeliveryReport report = ledger.awaitDelivered(DELIVERY_DEADLINE);
            System.out.println(report); // the counts and each fault's time to recover, for the record

            assertThat(report.acknowledged()).as("every publish acknowledged").isEqualTo(EVENTS);
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(drops.get()).as("about 40 drops a second for 6 s").isGreaterThan(100);
            assertThat(subscribers.stream().mapToInt(ResumingSubscriber::connections).sum())
                    .isEqualTo(SUBSCRIBERS + drops.get());
        }
    }

    @Test
    void subscribersOfAKilledAndRestartedEdgeMissNothingAndNoConnectionRepeats() throws Exception {
        try (HeraldCluster cluster = HeraldCluster.start(broker.bootstrapServers(), TOPIC, 1, dir, Map.of())) {
            subscribe(cluster);

            publishAll(cluster, () -> {
                ledger.mark("edge killed");
                cluster.killEdge(0);
                TimeUnit.MILLISECONDS.sleep(500); // the edge is down this long: the fault itself, not a wait
                cluster.restartEdge(0);
            });
            // every connection died with the edge; each subscriber comes back, resuming where it was
            for (ResumingSubscriber s : subscribers) {
                await().atMost(Duration.ofSeconds(30)).until(() -> tryConnect(s, cluster.webSocketUrl(0)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.stream().allMatch(ResumingSubscriber::subscribed));

            DeliveryReport report = ledger.awaitDelivered(DELIVERY_DEADLINE);
            System.out.println(report); // the counts and each fault's time to recover, for the record

            assertThat(report.acknowledged()).as("ingest stayed up: every publish acknowledged").isEqualTo(EVENTS);
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge killed").recovered()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge killed").deliveryResumed()).as(report.toString()).isPresent();
            assertThat(subscribers).allSatisfy(s -> assertThat(s.connections()).as(s.name()).isGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void subscribersOfADrainingEdgeAreToldToGoAndResumeOnTheOtherMissingNothing() throws Exception {
        try (HeraldCluster cluster = HeraldCluster.start(broker.bootstrapServers(), TOPIC, 2, dir, Map.of())) {
            subscribe(cluster);
            List<ResumingSubscriber> onEdge0 = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i += 2) {
                onEdge0.add(subscribers.get(i));
            }

            publishAll(cluster, () -> {
                ledger.mark("edge drained");
                assertThat(cluster.stopEdge(0, Duration.ofSeconds(60))).as("SIGTERM's exit code").isEqualTo(143);
                for (ResumingSubscriber s : onEdge0) {
                    assertThat(s.closeCode().get(10, TimeUnit.SECONDS)).as("%s told to go away", s.name()).isEqualTo(1001);
                    s.connect(cluster.webSocketUrl(1));
                }
            });

            DeliveryReport report = ledger.awaitDelivered(DELIVERY_DEADLINE);
            System.out.println(report); // the counts and each fault's time to recover, for the record

            assertThat(report.acknowledged()).isEqualTo(EVENTS);
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge drained").recovered()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge drained").deliveryResumed()).as(report.toString()).isPresent();
            assertThat(onEdge0).allSatisfy(s -> assertThat(s.notRecovered()).as("%s resumed whole", s.name()).isZero());
        }
    }

    @Test
    void aFrozenEdgeCatchesItsSubscribersUpOnItsOwnOnceItThaws() throws Exception {
        try (HeraldCluster cluster = HeraldCluster.start(broker.bootstrapServers(), TOPIC, 1, dir, Map.of())) {
            subscribe(cluster);

            publishAll(cluster, () -> {
                ledger.mark("edge frozen");
                cluster.freezeEdge(0);
                TimeUnit.MILLISECONDS.sleep(2_000); // the stall itself, not a wait for a condition
                cluster.thawEdge(0);
            });

            DeliveryReport report = ledger.awaitDelivered(DELIVERY_DEADLINE);
            System.out.println(report); // the counts and each fault's time to recover, for the record

            assertThat(report.acknowledged()).as("ingest does not depend on the edge").isEqualTo(EVENTS);
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge frozen").recovered()).as(report.toString()).isTrue();
            assertThat(report.recovery("edge frozen").deliveryResumed()).as(report.toString()).isPresent();
            assertThat(subscribers).allSatisfy(s -> {
                assertThat(s.connections()).as("%s kept its one connection", s.name()).isOne();
                assertThat(s.connected()).isTrue();
            });
        }
    }

    /** Each subscriber follows 2 of the channels, connected round the edges; returns once all are subscribed. */
    private void subscribe(HeraldCluster cluster) {
        for (int i = 0; i < SUBSCRIBERS; i++) {
            ResumingSubscriber s = new ResumingSubscriber("sub-" + i, List.of(channel(i), channel(i + 1)), ledger, http);
            s.connect(cluster.webSocketUrl(i % cluster.edges()));
            subscribers.add(s);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.stream().allMatch(ResumingSubscriber::subscribed));
    }

    /** What a test does to Herald a third of the way into the publishing. */
    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /** Publishes the events at 100 a second over the channels, injecting {@code fault} once a third of the way in. */
    private void publishAll(HeraldCluster cluster, Fault fault) throws Exception {
        LedgerPublisher publisher = new LedgerPublisher(cluster.ingestUrl(), ledger);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ScheduledExecutorService publishing = Executors.newSingleThreadScheduledExecutor();
        try {
            publishing.scheduleAtFixedRate(() -> {
                int n = next.getAndIncrement();
                if (n < EVENTS) {
                    publisher.publish(channel(n), "e-" + n, "{\"n\":" + n + "}");
                    done.incrementAndGet();
                }
            }, 0, PUBLISH_EVERY_MS, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= EVENTS / 3);
            fault.inject();
            await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == EVENTS);
        } finally {
            publishing.shutdownNow();
        }
    }

    private void reconnect(HeraldCluster cluster, int i, Set<Integer> away) {
        ResumingSubscriber s = subscribers.get(i);
        int edge = (s.connections() + i) % cluster.edges();
        if (tryConnect(s, cluster.webSocketUrl(edge))) {
            away.remove(i);
        } else {
            timer.schedule(() -> reconnect(cluster, i, away), 100, TimeUnit.MILLISECONDS);
        }
    }

    private static boolean tryConnect(ResumingSubscriber s, String url) {
        try {
            s.connect(url);
            return true;
        } catch (RuntimeException refused) {
            return false;
        }
    }

    private static String channel(int n) {
        return "room-" + Math.floorMod(n, CHANNELS);
    }
}
