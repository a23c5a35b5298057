package dev.herald.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** What happened between two samples of a real Prometheus registry: rates, gauges, quantiles over the window only. */
class MeterWindowTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong nanos = new AtomicLong();
    private final MeterSampler sampler = new MeterSampler(registry, nanos::get, List.of());

    @Test
    void countersGiveRatesPerSecondOverTheWindowAndTotalsAsOfItsEnd() {
        Counter created = Counter.builder("herald.test.publish").tag("result", "created").register(registry);
        Counter invalid = Counter.builder("herald.test.publish").tag("result", "invalid").register(registry);
        created.increment(100);
        sampler.sample();
        created.increment(50);
        invalid.increment(10);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        sampler.sample();

        MeterWindow w = sampler.window();
        assertThat(w.seconds()).isEqualTo(5.0);
        assertThat(w.rate("herald.test.publish")).isEqualTo(12.0);
        assertThat(w.rate("herald.test.publish", "result", "created")).isEqualTo(10.0);
        assertThat(w.ratesBy("herald.test.publish", "result")).containsEntry("created", 10.0).containsEntry("invalid", 2.0);
        assertThat(w.total("herald.test.publish", "result", "created")).isEqualTo(150.0);
        assertThat(w.totalsBy("herald.test.publish", "result")).containsEntry("invalid", 10.0);
    }

    @Test
    void aCounterRegisteredWithinTheWindowHasNoRateByTagYet() {
        sampler.sample();
        AtomicLong bytes = new AtomicLong(1_000_000); // counted before it got a meter
        FunctionCounter.builder("herald.test.channel", bytes, AtomicLong::get).tag("channel", "c").register(registry);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        sampler.sample();
        assertThat(sampler.window().ratesBy("herald.test.channel", "channel")).isEmpty();

        for (int i = 0; i < MeterSampler.WINDOW_INTERVALS; i++) { // until the oldest sample kept has the meter
            bytes.addAndGet(250);
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            sampler.sample();
        }
        assertThat(sampler.window().ratesBy("herald.test.channel", "channel").get("c")).isEqualTo(250.0);
    }

    @Test
    void quantilesCoverOnlyWhatWasRecordedInTheWindow() {
        Timer timer = Timer.builder("herald.test.latency").publishPercentileHistogram().register(registry);
        for (int i = 0; i < 1000; i++) {
            timer.record(Duration.ofSeconds(5)); // before the window: slow
        }
        sampler.sample();
        for (int i = 0; i < 100; i++) {
            timer.record(Duration.ofMillis(10));
        }
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        sampler.sample();

        MeterWindow w = sampler.window();
        assertThat(w.quantile("herald.test.latency", 0.5)).isCloseTo(0.010, within(0.003));
        assertThat(w.quantile("herald.test.latency", 0.99)).isLessThan(0.02);
        assertThat(new MeterWindow(w.older(), w.older()).quantile("herald.test.latency", 0.5)).as("nothing recorded").isNull();
    }

    @Test
    void gaugesAreReadAsOfTheNewerSampleAndMissingOnesAreNull() {
        AtomicLong lag = new AtomicLong(7);
        io.micrometer.core.instrument.Gauge.builder("herald.test.lag", lag, AtomicLong::get).tag("partition", "0").register(registry);
        sampler.sample();
        lag.set(3);
        sampler.sample();
        MeterWindow w = sampler.window();
        assertThat(w.gauge("herald.test.lag")).isEqualTo(3.0);
        assertThat(w.gaugesBy("herald.test.lag", "partition")).containsEntry("0", 3.0);
        assertThat(w.gauge("herald.test.absent")).isNull();
        assertThat(w.has("herald.test.lag")).isTrue();
        assertThat(w.has("herald.test.absent")).isFalse();
    }

    @Test
    void theWindowKeepsTheLastFewSamples() {
        for (int i = 0; i < 20; i++) {
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            sampler.sample();
        }
        assertThat(sampler.window().seconds()).isEqualTo(MeterSampler.WINDOW_INTERVALS);
    }
}
