package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.audit.DeliveryChecker;
import dev.herald.audit.DeliveryListener;
import dev.herald.audit.EdgeReport;
import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.ingest.IngestConfig;
import dev.herald.ingest.IngestServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import dev.herald.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized soak: a real broker, ingest and two edges; publishers on many channels with payloads
 * up to the limit and Idempotency-Keys reused across channels; WebSocket subscribers (the JDK's
 * client) that join and leave channels, drop and resume on either edge at random. The delivery
 * checker of the auditor judges every acknowledged event: it must reach every subscriber of its
 * channel, once per connection, in order.
 *
 * <p>Bounded: {@code -Dherald.soak.seconds} of load (45 by default), then the loss deadline, then
 * the verdict. The seed is printed and can be fixed with {@code -Dherald.soak.seed}.
 */
class SoakTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECONDS = Long.getLong("herald.soak.seconds", 45);
    private static final long SEED = Long.getLong("herald.soak.seed", System.nanoTime());
    private static final int CHANNELS = 16;
    private static final int SUBSCRIBERS = 12;
    /** Ingest's body limit and the edges' event limit in this run: some payloads are exactly this. */
    private static final int LIMIT = 64 * 1024;
    private static final Duration LOSS_DEADLINE = Duration.ofSeconds(10);
    /** The checker's name for the edges together: a subscriber resumes on either. */
    private static final String CLUSTER = "cluster";

    @TempDir
    Path dir;

    private final DeliveryChecker checker = DeliveryChecker.onSystemClock(LOSS_DEADLINE, 1_000_000, DeliveryListener.NONE);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @Test
    void everyAcknowledgedEventReachesEverySubscriberOfItsChannelOnceAndInOrderThroughDropsAndResumesOnTwoEdges() throws Exception {
        System.out.println("soak: seed " + SEED + ", " + SECONDS + " s");
        Random random = new Random(SEED);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
             IngestServer ingest = IngestServer.start(new IngestConfig(Map.of(IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                     IngestConfig.HTTP_PORT, "0", IngestConfig.INGEST_ID, "soak",
                     IngestConfig.PUBLISH_MAX_BODY_BYTES, Integer.toString(LIMIT), "auth.mode", "none",
                     "limits.publish.rate", "off", "limits.publish.bytes.rate", "off")));
             EdgeServer a = edge(broker, "a");
             EdgeServer b = edge(broker, "b")) {
            List<String> edges = List.of(a.webSocketUrl(), b.webSocketUrl());
            List<Subscriber> subscribers = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                Subscriber s = new Subscriber("sub-" + i);
                for (int n = 1 + random.nextInt(3); s.channels.size() < n; ) {
                    s.join(channel(random.nextInt(CHANNELS)));
                }
                s.connect(edges.get(random.nextInt(2)));
                subscribers.add(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> subscribers.stream().allMatch(Subscriber::allConfirmed));

            long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            Publisher[] publishers = {new Publisher(ingest.baseUrl(), new Random(SEED + 1), endNanos),
                new Publisher(ingest.baseUrl(), new Random(SEED + 2), endNanos)};
            for (Publisher p : publishers) {
                p.start();
            }
            AtomicInteger drops = new AtomicInteger();
            AtomicInteger joins = new AtomicInteger();
            AtomicInteger leaves = new AtomicInteger();
            while (System.nanoTime() < endNanos) {
                Thread.sleep(150); // the pace of the churn, not a wait for anything
                Subscriber s = subscribers.get(random.nextInt(SUBSCRIBERS));
                int action = random.nextInt(10);
                if (action < 4) {
                    s.dropAndResume(edges.get(random.nextInt(2)));
                    drops.incrementAndGet();
                } else if (action < 6 && s.channels.size() < 4) {
                    if (s.joinLive(channel(random.nextInt(CHANNELS)))) {
                        joins.incrementAndGet();
                    }
                } else if (action < 8 && s.channels.size() > 1) {
                    s.leave(new ArrayList<>(s.channels.keySet()).get(random.nextInt(s.channels.size())));
                    leaves.incrementAndGet();
                }
            }
            for (Publisher p : publishers) {
                p.join(TimeUnit.SECONDS.toMillis(30));
            }
            long acked = publishers[0].acked.get() + publishers[1].acked.get();
            // every acknowledged event is judged once its loss deadline has passed
            await().atMost(LOSS_DEADLINE.plusSeconds(30)).until(() -> checker.awaiting() == 0);
            EdgeReport report = checker.report(CLUSTER);
            System.out.printf("soak: %d events acknowledged (%d with a key also used on another channel), %d receipts, %d drops and resumes, "
                    + "%d joins, %d leaves; %s%n", acked, publishers[0].shared.get() + publishers[1].shared.get(), report.received(),
                    drops.get(), joins.get(), leaves.get(), report);
            for (Subscriber s : subscribers) {
                s.close();
            }
            assertThat(problems).isEmpty();
            assertThat(acked).as("the publishers got going").isGreaterThan(100);
            assertThat(drops.get()).isPositive();
            assertThat(checker.untracked()).isZero();
            assertThat(report.lost()).as("acknowledged events lost").isZero();
            assertThat(report.duplicated()).as("duplicates on a connection").isZero();
            assertThat(report.outOfOrder()).as("per-channel order").isZero();
            assertThat(report.received()).isPositive();
        }
    }

    private EdgeServer edge(EmbeddedKafkaBroker broker, String id) {
        return EdgeServer.start(new EdgeConfig(Map.of(EdgeConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(), EdgeConfig.HTTP_PORT, "0",
                EdgeConfig.EDGE_ID, id, EdgeConfig.DATA_DIR, dir.resolve("edge-" + id).toString(),
                EdgeConfig.EVENT_MAX_BYTES, Integer.toString(LIMIT), EdgeConfig.HISTORY_PER_CHANNEL, "200", "auth.mode", "none",
                "limits.new.connections.rate", "off")));
    }

    private static String channel(int n) {
        return "soak.c" + n;
    }

    /** Publishes at random until its end: payloads up to the limit, JSON or binary, some Idempotency-Keys shared by two channels. */
    private final class Publisher extends Thread {
        private final String ingest;
        private final Random random;
        private final long endNanos;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong shared = new AtomicLong();

        Publisher(String ingest, Random random, long endNanos) {
            super("soak-publisher");
            this.ingest = ingest;
            this.random = random;
            this.endNanos = endNanos;
        }

        @Override
        public void run() {
            long n = 0;
            try {
                while (System.nanoTime() < endNanos) {
                    int c = random.nextInt(CHANNELS);
                    if (random.nextInt(10) == 0) {
                        String key = getName() + "-" + getId() + "-shared-" + n;
                        publish(channel(c), key);
                        publish(channel((c + 1 + random.nextInt(CHANNELS - 1)) % CHANNELS), key);
                        shared.addAndGet(2);
                    } else {
                        publish(channel(c), null);
                    }
                    n++;
                    Thread.sleep(8); // pacing: about a hundred events a second per publisher
                }
            } catch (Exception e) {
                problems.add("publisher failed: " + e);
            }
        }

        private void publish(String channel, String key) throws Exception {
            int kind = random.nextInt(20);
            byte[] body;
            String type;
            if (kind == 0) {
                body = new byte[LIMIT];
                random.nextBytes(body);
                type = "application/octet-stream";
            } else if (kind < 3) {
                body = new byte[1 + random.nextInt(16 * 1024)];
                random.nextBytes(body);
                type = "application/octet-stream";
            } else {
                body = ("{\"pad\":\"" + "x".repeat(random.nextInt(500)) + "\"}").getBytes();
                type = "application/json";
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                    .header("Content-Type", type).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            long start = checker.nanoTime();
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                problems.add("publish to " + channel + " answered " + r.statusCode() + ": " + r.body());
                return;
            }
            checker.acknowledged(channel, JSON.readTree(r.body()).get("id").asText(), start);
            acked.incrementAndGet();
        }
    }

    /** One subscriber: a WebSocket at a time, its channels, and for each the last position it received. */
    private final class Subscriber {
        private final String name;
        /** Channel to its subscription; touched by the driver and by the socket's listener, under this object's lock. */
        final Map<String, Sub> channels = new HashMap<>();
        private WsTestClient socket;
        private int generation;
        private int joined;

        Subscriber(String name) {
            this.name = name;
        }

        /** One subscription as the checker knows it: a name of its own, so that leaving one channel closes just that one. */
        private final class Sub {
            final String checkerName;
            String lastPosition;
            boolean confirmed;

            Sub(String channel) {
                checkerName = name + "/" + channel + "#" + joined++;
            }
        }

        synchronized void join(String channel) {
            channels.putIfAbsent(channel, new Sub(channel));
        }

        synchronized boolean allConfirmed() {
            return channels.values().stream().allMatch(s -> s.confirmed);
        }

        synchronized boolean joinLive(String channel) {
            if (channels.containsKey(channel)) {
                return false;
            }
            channels.put(channel, new Sub(channel));
            socket.subscribe(channel, null);
            return true;
        }

        synchronized void leave(String channel) {
            Sub sub = channels.remove(channel);
            socket.send("{\"op\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
            checker.closed(sub.checkerName);
        }

        /** Drops the socket without a close handshake and resumes every channel on {@code edge} from its last position. */
        synchronized void dropAndResume(String edge) {
            socket.close();
            connect(edge);
        }

        synchronized void connect(String edge) {
            int mine = ++generation;
            socket = WsTestClient.builder(edge).over(http).onFrames(f -> frame(mine, f)).connect();
            channels.forEach((channel, sub) -> socket.subscribe(channel, sub.lastPosition));
        }

        /** A frame that is not JSON ends its connection (the kit's client fails on it), and what it then misses is lost. */
        private synchronized void frame(int socketGeneration, JsonNode f) {
            if (socketGeneration != generation) {
                return; // a frame of a socket this subscriber dropped
            }
            String op = f.path("op").asText();
            Sub sub = channels.get(f.path("channel").asText());
            switch (op) {
                case "subscribed" -> {
                    if (!f.path("recovered").asBoolean()) {
                        problems.add(name + " was not recovered: " + f);
                    }
                    if (sub != null && !sub.confirmed) {
                        // a live subscription starts at the subscribed position; a resume keeps its own (the
                        // subscribed frame then names the head, and the missed events are still to come)
                        sub.lastPosition = f.get("position").asText();
                        sub.confirmed = true;
                        checker.subscribed(CLUSTER, sub.checkerName, f.get("channel").asText());
                    }
                }
                case "event" -> {
                    if (sub != null) {
                        checker.received(sub.checkerName, f.get("channel").asText(), f.get("id").asText(), f.get("position").asText(),
                                checker.nanoTime());
                        sub.lastPosition = f.get("position").asText();
                    }
                }
                default -> problems.add(name + " got " + f);
            }
        }

        synchronized void close() {
            socket.close();
        }
    }
}
