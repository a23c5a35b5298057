package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The comparison's PNG plots, drawn headless with XChart: deliveries per second and p99 latency
 * against subscribers (one line per system), and the latency distribution of one scenario (one
 * line per system, percentile against milliseconds on a log scale).
 */
final class ComparePlots {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private ComparePlots() {
    }

    /**
     * Deliveries per second against subscribers, each system's achieved figure beside what was
     * offered (every event to every subscriber).
     *
     * @param sweeps system to its sweep results, in subscriber order
     */
    static void deliveries(Path file, Map<String, List<ScenarioResult>> sweeps) throws IOException {
        XYChart chart = chart("Deliveries per second against subscribers", "subscribers", "deliveries/s");
        List<ScenarioResult> any = sweeps.values().iterator().next();
        chart.addSeries("offered", xs(any), any.stream().map(r -> (double) r.settings().subscribers() * r.settings().rate()).toList())
                .setMarker(SeriesMarkers.NONE);
        sweeps.forEach((name, results) -> chart.addSeries(name, xs(results), results.stream().map(ScenarioResult::deliveriesPerSec).toList()));
        save(chart, file);
    }

    /** p99 publish-to-receipt latency against subscribers, log scale. */
    static void p99(Path file, Map<String, List<ScenarioResult>> sweeps) throws IOException {
        XYChart chart = chart("p99 publish-to-receipt latency against subscribers", "subscribers", "p99 latency (ms)");
        chart.getStyler().setYAxisLogarithmic(true);
        sweeps.forEach((name, results) -> chart.addSeries(name, xs(results),
                results.stream().map(r -> Math.max(0.01, r.latency().p99Ms())).toList()));
        save(chart, file);
    }

    /** Percentile against latency (ms, log scale) of each system's run of one scenario. */
    static void latencyCdf(Path file, String title, Map<String, Histogram> histograms) throws IOException {
        XYChart chart = chart(title, "publish-to-receipt latency (ms)", "percentile");
        chart.getStyler().setXAxisLogarithmic(true);
        histograms.forEach((name, h) -> {
            List<Double> ms = new ArrayList<>();
            List<Double> pct = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                ms.add(Math.max(0.01, v.getValueIteratedTo() / 1e6));
                pct.add(v.getPercentileLevelIteratedTo());
            }
            if (!ms.isEmpty()) {
                chart.addSeries(name, ms, pct).setMarker(SeriesMarkers.NONE);
            }
        });
        save(chart, file);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setPlotGridLinesVisible(true);
        return chart;
    }

    private static List<Double> xs(List<ScenarioResult> results) {
        return results.stream().map(r -> (double) r.settings().subscribers()).toList();
    }

    private static void save(XYChart chart, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
