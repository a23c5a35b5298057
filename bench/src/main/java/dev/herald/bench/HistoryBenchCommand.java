package dev.herald.bench;

import static dev.herald.bench.BenchMain.progress;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench history}: the edge's history route and time-based resumes, under load. Ingest runs
 * in the benchmark's JVM, one edge in a JVM of its own ({@link EdgeProcess}), on one topic.
 *
 * <ol>
 *   <li>Seeds the log with {@code --seed-events} events over the 64 bench channels (NDJSON batches
 *       through ingest), noting an instant between the first and the second half.</li>
 *   <li>Opens {@code --subscribers} live WebSocket subscribers ({@link WsLoad}), each of one
 *       channel, and keeps single POSTs going at {@code --rate} ({@link KeepAliveLoad}) through both
 *       measurements, so that the edge fans out while it serves history.</li>
 *   <li><b>History pages</b>: {@code --clients} clients, each asking pages back to back for
 *       {@code --seconds}: a random channel, from its oldest event or from the noted instant
 *       (alternately), following {@code next} for up to {@code --pages} pages of {@code --limit}.
 *       Each request is timed from its send to its whole answer read.</li>
 *   <li><b>Time-based resumes</b>: up to {@code --resumes} WebSocket subscribes with
 *       {@code since_time} at the noted instant, one after the other, each on a new connection of
 *       the JDK's client, timed from the subscribe frame's send to the first event frame read.</li>
 * </ol>
 * Traffic stays on 127.0.0.1; every loop stops at a count or a time.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Measures the edge's history route (p50/p99 of a page while publishers run and subscribers receive) and "
                + "the time to the first event of a time-based resume (since_time), under the same load."})
final class HistoryBenchCommand implements Callable<Integer> {

    private static final int PARTITIONS = 6;
    private static final int SEED_BATCH = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InterferenceLog interference = new InterferenceLog();

    @Option(names = "--seed-events", defaultValue = "64000", paramLabel = "N",
            description = "Events published before the measurements, 1 KiB each over 64 channels (default: ${DEFAULT-VALUE}).")
    private int seedEvents;

    @Option(names = "--subscribers", defaultValue = "1000", paramLabel = "N",
            description = "Live WebSocket subscribers during the measurements (default: ${DEFAULT-VALUE}).")
    private int subscribers;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "R",
            description = "Single POSTs per second during the measurements (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--clients", defaultValue = "4", paramLabel = "N",
            description = "History clients, each asking pages back to back (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N",
            description = "The limit of every history request (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--pages", defaultValue = "5", paramLabel = "N",
            description = "Most pages a client follows from one start (default: ${DEFAULT-VALUE}).")
    private int pages;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "N",
            description = "Length of the history measurement, seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--resumes", defaultValue = "300", paramLabel = "N",
            description = "Most time-based resumes measured (default: ${DEFAULT-VALUE}).")
    private int resumes;

    @Option(names = "--resume-seconds", defaultValue = "30", paramLabel = "N",
            description = "Length of the resume measurement, seconds: it ends at --resumes or then (default: ${DEFAULT-VALUE}).")
    private int resumeSeconds;

    @Mixin
    private BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        HistoryBenchSettings settings = new HistoryBenchSettings(seedEvents, subscribers, rate, clients, limit, pages, seconds, resumes,
                resumeSeconds, PARTITIONS);
        BenchOptions.Measured<HistoryBenchReport.Figures> measured = options.measureOnKafka((kafka, runId) -> measure(kafka, settings, runId));
        HistoryBenchReport report = new HistoryBenchReport(measured.run(), settings, measured.figures());
        options.publish("history", report.console(), report.markdown());
        return 0;
    }

    private HistoryBenchReport.Figures measure(BenchBroker kafka, HistoryBenchSettings s, String runId)
            throws IOException, InterruptedException {
        try (HeraldCluster herald = HeraldCluster.start(kafka, "bench.history." + runId, s.partitions(), 1, runId)) {
            interference.alsoCount(herald.edge(0).handle());
            Instant middle = seed(herald, s.seedEvents());
            LongAdder receipts = new LongAdder();
            try (WsLoad live = new WsLoad(herald.edgeAddress(0), WsDialect.HERALD, 2,
                    i -> List.of("{\"op\":\"subscribe\",\"channel\":\"" + BenchPayloads.channel(i) + "\"}"),
                    (connection, payload, at) -> receipts.increment())) {
                int open = live.open(s.subscribers(), 60_000);
                progress("%,d live subscribers connected", open);
                KeepAliveLoad posts = posts(herald);
                Phase<PagesResult> history = interference.measure("history pages", () -> whilePublishing(posts, s.rate(), s.seconds(),
                        () -> readPages(herald.edgeUrl(0), middle, s)));
                PagesResult pages = history.result();
                progress("history: %,d pages (%,d events), p50 %.2f ms, p99 %.2f ms, %,d not 200", pages.latency().count(),
                        pages.events(), pages.latency().p50Ms(), pages.latency().p99Ms(), pages.failed());
                long receiptsBefore = receipts.sum();
                Phase<ResumesResult> timed = interference.measure("time-based resumes", () -> whilePublishing(posts, s.rate(),
                        s.resumeSeconds(), () -> resumeByTime(herald.edgeUrl(0), middle, s)));
                ResumesResult resumed = timed.result();
                progress("resumes: %,d, first event p50 %.2f ms, p99 %.2f ms, %,d not recovered or failed", resumed.latency().count(),
                        resumed.latency().p50Ms(), resumed.latency().p99Ms(), resumed.failed());
                return new HistoryBenchReport.Figures(open, history, receiptsBefore, timed, receipts.sum() - receiptsBefore,
                        interference);
            }
        }
    }

    /** History pages read in a measurement: their latency (send to whole answer), events, and requests not answered 200. */
    record PagesResult(LatencySummary latency, long events, long failed) {
    }

    /** Time-based resumes measured: time to the first event frame, and those that failed or did not recover. */
    record ResumesResult(LatencySummary latency, long failed) {
    }

    /** What a measurement found, and what the publishers did meanwhile ({@code null} if they failed). */
    record Phase<T>(T result, SinglePublishLoad.Result publishing) {
    }

    /** Something measured while the publishers run. */
    private interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Publishes {@code posts} at {@code rate} for {@code seconds} on another thread while {@code work} runs here; returns
     * both once both are done.
     */
    private static <T> Phase<T> whilePublishing(KeepAliveLoad posts, int rate, int seconds, Work<T> work)
            throws IOException, InterruptedException {
        SinglePublishLoad.Result[] publishing = new SinglePublishLoad.Result[1];
        Thread publisher = new Thread(() -> {
            try {
                publishing[0] = posts.openLoop(rate, Duration.ofSeconds(seconds));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-history-publisher");
        publisher.start();
        try {
            T result = work.run();
            publisher.join(TimeUnit.SECONDS.toMillis(seconds + 60));
            return new Phase<>(result, publishing[0]);
        } finally {
            publisher.interrupt();
        }
    }

    private static KeepAliveLoad posts(HeraldCluster herald) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < BenchPayloads.CHANNELS; i++) {
            paths.add("/v1/channels/" + BenchPayloads.channel(i) + "/events");
        }
        return new KeepAliveLoad(herald.ingestUrl(), paths, "application/json", BenchPayloads.eventPayload());
    }

    /**
     * Publishes {@code events} in NDJSON batches, waits until the edge has them all, and returns an
     * instant after the first half was accepted and before the second half was.
     */
    private static Instant seed(HeraldCluster herald, int events) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] batch = BenchPayloads.ndjsonBatch(SEED_BATCH);
        int batches = events / SEED_BATCH;
        Instant middle = null;
        for (int b = 0; b < batches; b++) {
            if (b == batches / 2) {
                Thread.sleep(5); // the clock moves past the first half's stamps
                middle = Instant.now();
                Thread.sleep(5);
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(herald.ingestUrl() + "/v1/events"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(batch)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200 || answer.body().contains("\"status\":5") || answer.body().contains("\"status\":4")) {
                throw new IllegalStateException("seeding the log failed: " + answer.statusCode() + " "
                        + answer.body().substring(0, Math.min(300, answer.body().length())));
            }
        }
        long seeded = (long) batches * SEED_BATCH;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (MetricsScrape.of(herald.edgeUrl(0)).get("herald_edge_consumed_total{result=\"delivered\"}") < seeded) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edge did not consume the " + seeded + " seeded events within 120 s");
            }
            Thread.sleep(100);
        }
        progress("seeded %,d events over %d channels; the edge has them; resumes start at %s", seeded, BenchPayloads.CHANNELS, middle);
        return middle;
    }

    /** The history clients, each on its own thread, for {@code s.seconds()}. */
    private PagesResult readPages(String edgeUrl, Instant middle, HistoryBenchSettings s) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.seconds());
        Histogram all = new Histogram(3);
        LongAdder events = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        String since = URLEncoder.encode(middle.toString(), StandardCharsets.UTF_8);
        for (int c = 0; c < s.clients(); c++) {
            Thread t = new Thread(() -> {
                Histogram mine = new Histogram(3);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long walk = 0; System.nanoTime() < deadline; walk++) {
                    String base = edgeUrl + "/v1/channels/" + BenchPayloads.channel(random.nextInt(BenchPayloads.CHANNELS))
                            + "/events?limit=" + s.limit();
                    String from = walk % 2 == 0 ? null : since;
                    for (int p = 0; p < s.pagesPerWalk() && System.nanoTime() < deadline; p++) {
                        JsonNode page = page(http, base + (from == null ? "" : "&since=" + from), mine, failed);
                        if (page == null) {
                            break;
                        }
                        events.add(page.path("events").size());
                        if (!page.path("more").asBoolean()) {
                            break;
                        }
                        from = page.path("next").asText();
                    }
                }
                synchronized (all) {
                    all.add(mine);
                }
            }, "bench-history-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return new PagesResult(LatencySummary.of(all), events.sum(), failed.sum());
    }

    /** One history request, timed into {@code latency} when answered 200; the page, or {@code null} (counted in {@code failed}). */
    private static JsonNode page(HttpClient http, String url, Histogram latency, LongAdder failed) {
        long sent = System.nanoTime();
        try {
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            long took = System.nanoTime() - sent;
            if (answer.statusCode() != 200) {
                failed.increment();
                return null;
            }
            latency.recordValue(took);
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            failed.increment();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Time-based resumes one after the other, each on a new WebSocket, until {@code s.resumes()} or {@code s.resumeSeconds()}. */
    private static ResumesResult resumeByTime(String edgeUrl, Instant middle, HistoryBenchSettings s) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI ws = URI.create(edgeUrl.replaceFirst("^http", "ws") + "/v1/ws");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.resumeSeconds());
        Histogram firstEvent = new Histogram(3);
        long failed = 0;
        for (int i = 0; i < s.resumes() && System.nanoTime() < deadline; i++) {
            FrameAwait listener = new FrameAwait(frame -> frame.contains("\"op\":\"event\""),
                    frame -> frame.contains("\"recovered\":false") || frame.contains("\"op\":\"error\""));
            WebSocket socket = null;
            try {
                socket = http.newWebSocketBuilder().buildAsync(ws, listener).get(10, TimeUnit.SECONDS);
                long sent = System.nanoTime();
                socket.sendText("{\"op\":\"subscribe\",\"channel\":\"" + BenchPayloads.channel(i) + "\",\"since_time\":\"" + middle + "\"}",
                        true);
                long at = listener.at.get(30, TimeUnit.SECONDS);
                if (at < 0) {
                    failed++;
                } else {
                    firstEvent.recordValue(at - sent);
                }
            } catch (ExecutionException | TimeoutException e) {
                failed++;
            } finally {
                if (socket != null) {
                    socket.abort();
                }
            }
        }
        return new ResumesResult(LatencySummary.of(firstEvent), failed);
    }
}
