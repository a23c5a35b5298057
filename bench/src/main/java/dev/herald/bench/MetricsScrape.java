package dev.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of a Herald server's {@code GET /metrics} (Prometheus text format): each sample's
 * series, name and labels as printed (e.g. {@code herald_ephemeral_sent_total{result="sent"}}),
 * to its value.
 */
final class MetricsScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> samples;

    private MetricsScrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    /**
     * Reads {@code baseUrl + "/metrics"}.
     *
     * @throws IllegalStateException if it does not answer 200
     */
    static MetricsScrape of(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(baseUrl + "/metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The samples of a Prometheus text exposition; comment lines are skipped. */
    static MetricsScrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            if (space > 0) {
                try {
                    samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException ignored) {
                    // not a plain sample line; nothing Herald's meters print
                }
            }
        });
        return new MetricsScrape(samples);
    }

    /**
     * The value of {@code series}.
     *
     * @throws IllegalStateException if the server does not print it (a wrong name or label set:
     *         Micrometer prints every registered meter, touched or not)
     */
    double get(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new IllegalStateException("the server's /metrics has no series " + series);
        }
        return value;
    }

    /**
     * The sum over every series of metric {@code name}, whatever its labels.
     *
     * @throws IllegalStateException if the server prints no series of it
     */
    double sum(String name) {
        double[] values = samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).toArray();
        if (values.length == 0) {
            throw new IllegalStateException("the server's /metrics has no series of " + name);
        }
        return Arrays.stream(values).sum();
    }
}
