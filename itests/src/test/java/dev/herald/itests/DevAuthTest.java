package dev.herald.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.herald.testkit.DevHerald;
import dev.herald.testkit.HeraldProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Securing Herald" as a user runs it: {@code herald dev --auth}, a token from
 * {@code herald token} (its own process, reading the dev secret), then publish and follow with it;
 * the dev auditor keeps working with its own token; an SSE stream ends when its token expires.
 */
class DevAuthTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void devAuthTokensFromTheCliPublishAndFollowAndNothingWorksWithoutOne() throws Exception {
        try (DevHerald dev = DevHerald.start(dataDir, "--auth")) {
            assertThat(dev.process().output()).contains("with tokens on (--auth)").contains(dataDir.resolve("auth.secret").toString());
            String ingest = dev.ingest();
            String edge = "http://" + dev.edge();

            String token = herald("token", "--dev-data-dir", dataDir.toString(), "--subject", "alice", "--publish", "demo*",
                    "--subscribe", "demo*,user.{sub}.*", "--ttl", "5s");
            assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

            HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(edge + "/v1/sse?channel=demo"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            long opened = System.nanoTime();
            HttpResponse<String> published = publish(ingest, "demo", token);
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            assertThat(publish(ingest, "demo", null).statusCode()).isEqualTo(401);
            assertThat(publish(ingest, "other", token).statusCode()).isEqualTo(403);

            // the stream carries the event, then ends by itself when the 5 s token expires
            String all = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
            long openFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            assertThat(all).contains("\"hello\":\"world\"");
            assertThat(openFor).as("ended at the token's expiry").isBetween(1_000L, 10_000L);

            // the auditor publishes and follows its canaries with a token of its own
            await().atMost(Duration.ofSeconds(20)).until(() -> metric(edge, "herald_audit_received_events_total") >= 3);
            assertThat(metric(edge, "herald_audit_lost_events_total")).isZero();
        }
    }

    private static HttpResponse<String> publish(String ingest, String channel, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest + "/v1/channels/" + channel + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"world\"}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of every series of {@code name} in {@code base}/metrics. */
    private static double metric(String base, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    /** Runs the launcher with {@code args} and returns its standard output, trimmed; fails on a non-zero exit. */
    private static String herald(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                HeraldProcess.jar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

}
