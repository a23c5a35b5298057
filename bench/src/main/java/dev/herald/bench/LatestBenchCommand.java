package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.herald.streams.HeraldStreamsConfig;
import dev.herald.streams.StreamsService;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench latest}: how long a subscriber waits for a channel's latest value. Ingest runs in
 * the benchmark's JVM, one edge in a JVM of its own ({@link EdgeProcess}), and the streams service
 * in the benchmark's JVM, on topics of this run.
 *
 * <ol>
 *   <li>Publishes one event to each of {@code --channels} channels through ingest, and waits until
 *       the edge answers the last one's latest value (the streams service has written
 *       {@code herald.latest} and the edge has read it).</li>
 *   <li><b>Subscribe to retained</b>: {@code --subscribes} WebSocket subscribes with
 *       {@code "last":true}, one after the other, each on a new connection of the JDK's client, to
 *       the channels in turn, timed from the subscribe frame's send to the retained event's frame
 *       read.</li>
 *   <li><b>GET latest</b>: as many {@code GET /v1/channels/{channel}/latest}, one after the other on
 *       one HTTP client, timed from the request's send to the whole answer read.</li>
 * </ol>
 * Traffic stays on 127.0.0.1; every loop stops at a count or a time.
 */
@Command(name = "latest", mixinStandardHelpOptions = true,
        description = "Measures the time from a subscribe with last:true to its retained event (p50/p99), and of GET "
                + "/v1/channels/{channel}/latest, against an edge serving the streams service's herald.latest.")
final class LatestBenchCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;

    @Option(names = "--channels", defaultValue = "1000", paramLabel = "N",
            description = "Channels with a latest value (default: ${DEFAULT-VALUE}).")
    private int channels;

    @Option(names = "--subscribes", defaultValue = "2000", paramLabel = "N",
            description = "Subscribes measured, and as many GETs (default: ${DEFAULT-VALUE}).")
    private int subscribes;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "S",
            description = "Most time each measurement runs, seconds: it ends at --subscribes or then (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Mixin
    private BenchOptions options;

    /**
     * The figures of one run.
     *
     * @param channels    channels with a latest value
     * @param subscribe   subscribe with {@code last:true} to the retained event's frame
     * @param get         {@code GET .../latest}, request to answer
     * @param notRetained subscribes answered without a retained event, or not at all (counted, not timed)
     * @param failedGets  GETs not answered 200
     */
    record Figures(int channels, LatencySummary subscribe, LatencySummary get, long notRetained, long failedGets) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (channels < 1 || subscribes < 1 || seconds < 1) {
            throw new IllegalArgumentException("--channels, --subscribes and --seconds must be at least 1");
        }
        BenchOptions.Measured<Figures> measured = options.measureOnKafka(this::measure);
        Figures f = measured.figures();
        String console = String.format(Locale.ROOT, "%,d channels with a latest value%n"
                        + "  subscribe last:true to retained event  p50 %.2f ms  p99 %.2f ms  (%,d; %d without one)%n"
                        + "  GET /v1/channels/{channel}/latest      p50 %.2f ms  p99 %.2f ms  (%,d; %d failed)",
                f.channels(), f.subscribe().p50Ms(), f.subscribe().p99Ms(), f.subscribe().count(), f.notRetained(),
                f.get().p50Ms(), f.get().p99Ms(), f.get().count(), f.failedGets());
        options.publish("latest", console, markdown(measured.run(), f));
        return 0;
    }

    private Figures measure(BenchBroker kafka, String runId) throws IOException, InterruptedException {
        String topic = "bench.latest.log." + runId;
        String latest = "bench.latest.latest." + runId;
        Path state = Files.createTempDirectory("herald-bench-latest-streams");
        try (HeraldCluster herald = HeraldCluster.start(kafka, topic, PARTITIONS, 1, runId, Map.of(), Map.of("latest.topic", latest));
             StreamsService streams = StreamsService.start(new HeraldStreamsConfig(Map.of(
                     HeraldStreamsConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                     HeraldStreamsConfig.TOPIC, topic,
                     HeraldStreamsConfig.LATEST_TOPIC, latest,
                     HeraldStreamsConfig.STATS_TOPIC, "bench.latest.stats." + runId,
                     HeraldStreamsConfig.APPLICATION_ID, "bench-latest-" + runId,
                     HeraldStreamsConfig.STATE_DIR, state.toString(),
                     HeraldStreamsConfig.HTTP_PORT, "0")))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            progress("publishing one event to each of %,d channels", channels);
            for (int i = 0; i < channels; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(herald.ingestUrl() + "/v1/channels/" + channel(i) + "/events"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("publishing to " + channel(i) + " answered " + r.statusCode() + ": " + r.body());
                }
            }
            String edge = herald.edgeUrl(0);
            awaitLatest(http, edge, channels - 1, streams);
            progress("subscribes with last:true: up to %,d", subscribes);
            Histogram subscribe = new Histogram(3);
            long notRetained = subscribeToRetained(http, edge, subscribe);
            progress("GET latest: up to %,d", subscribes);
            Histogram get = new Histogram(3);
            long failedGets = getLatest(http, edge, get);
            return new Figures(channels, LatencySummary.of(subscribe), LatencySummary.of(get), notRetained, failedGets);
        } finally {
            BenchBroker.deleteTree(state);
        }
    }

    private static String channel(int i) {
        return "bench.latest." + i;
    }

    /** Waits (120 s at most) until the edge answers channel {@code i}'s latest value, which {@code streams} writes. */
    private static void awaitLatest(HttpClient http, String edge, int i, StreamsService streams) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(edge + "/v1/channels/" + channel(i) + "/latest"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edge had no latest value of " + channel(i) + " within 120 s: " + r.body()
                        + " (streams service: " + (streams.notReadyReason() == null ? "RUNNING" : streams.notReadyReason()) + ")");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Subscribes with {@code last:true} one after the other; returns how many got no retained event. */
    private long subscribeToRetained(HttpClient http, String edge, Histogram latency) throws InterruptedException {
        URI ws = URI.create(edge.replaceFirst("^http", "ws") + "/v1/ws");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long notRetained = 0;
        for (int i = 0; i < subscribes && System.nanoTime() < deadline; i++) {
            FrameAwait listener = new FrameAwait(frame -> frame.contains("\"op\":\"event\"") && frame.contains("\"retained\":true"),
                    frame -> frame.contains("\"retained\":false") || frame.contains("\"op\":\"error\""));
            WebSocket socket = null;
            try {
                socket = http.newWebSocketBuilder().buildAsync(ws, listener).get(10, TimeUnit.SECONDS);
                long sent = System.nanoTime();
                socket.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel(i % channels) + "\",\"last\":true}", true);
                long at = listener.at.get(30, TimeUnit.SECONDS);
                if (at < 0) {
                    notRetained++;
                } else {
                    latency.recordValue(at - sent);
                }
            } catch (ExecutionException | TimeoutException e) {
                notRetained++;
            } finally {
                if (socket != null) {
                    socket.abort();
                }
            }
        }
        return notRetained;
    }

    /** GETs the latest values one after the other; returns how many were not answered 200. */
    private long getLatest(HttpClient http, String edge, Histogram latency) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long failed = 0;
        for (int i = 0; i < subscribes && System.nanoTime() < deadline; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(edge + "/v1/channels/" + channel(i % channels) + "/latest"))
                    .timeout(Duration.ofSeconds(30)).build();
            try {
                long sent = System.nanoTime();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                long took = System.nanoTime() - sent;
                if (r.statusCode() == 200) {
                    latency.recordValue(took);
                } else {
                    failed++;
                }
            } catch (IOException e) {
                failed++;
            }
        }
        return failed;
    }

    private static String markdown(BenchRun run, Figures f) {
        return "## Latest values: `./herald bench latest`\n\n"
                + "How long a subscriber waits for a channel's latest value: a WebSocket subscribe with `\"last\":true`, on a new "
                + "connection, timed from the subscribe frame's send to the retained event's frame read; and `GET "
                + "/v1/channels/{channel}/latest`, request to answer. One edge in its own JVM serves the streams service's "
                + "`herald.latest` (the service and ingest in the benchmark's JVM), one request at a time.\n\n"
                + "### Run\n\n"
                + run.runTable()
                + "| Channels | " + Numbers.num(f.channels()) + " with a latest value (one event each, published through ingest) |\n\n"
                + "### Time to the latest value\n\n"
                + "| | count | p50 ms | p99 ms | max ms | without a value |\n|---|---:|---:|---:|---:|---:|\n"
                + "| Subscribe `last:true` to the retained event | " + Numbers.num(f.subscribe().count()) + " | "
                + Numbers.fmt(f.subscribe().p50Ms()) + " | " + Numbers.fmt(f.subscribe().p99Ms()) + " | " + Numbers.fmt(f.subscribe().maxMs())
                + " | " + f.notRetained() + " |\n"
                + "| `GET /v1/channels/{channel}/latest` | " + Numbers.num(f.get().count()) + " | " + Numbers.fmt(f.get().p50Ms()) + " | "
                + Numbers.fmt(f.get().p99Ms()) + " | " + Numbers.fmt(f.get().maxMs()) + " | " + f.failedGets() + " |\n\n"
                + "### Notes\n\n"
                + "- A subscribe with `last:true` runs on the edge's resume workers: it looks the value up in the edge's RocksDB copy "
                + "of `herald.latest`, sends `subscribed` and the retained event, then replays the channel's events after it from "
                + "the edge's history (none here), then goes live.\n"
                + "- The WebSocket's connection set-up is not in the time; the subscribe frame's round trip is.\n";
    }
}
