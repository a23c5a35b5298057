package dev.herald.streams;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.herald.schemas.RetainedEvent;
import dev.herald.schemas.RetainedEventCodec;
import dev.herald.streams.internal.EpochWatch;
import dev.herald.streams.internal.StatusHandler;
import dev.herald.streams.internal.StreamsTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams service ({@code herald streams}): runs {@link HeraldTopology} with Kafka Streams
 * and answers {@code /healthz}, {@code /readyz} and {@code /metrics} on its own port.
 *
 * <p>{@link #start} waits for the log topic (ingest creates it), creates {@code herald.latest} and
 * {@code herald.stats} when missing ({@link StreamsTopics}), starts Kafka Streams with exactly-once
 * processing and listens; Kafka Streams then restores its stores and reads the log from its start
 * (a new {@code application.id}) or from its committed offsets. {@link #close} stops listening and
 * closes Kafka Streams, which commits what it processed and leaves its group.
 *
 * <p>A stream thread that fails is replaced (counted in
 * {@code herald_streams_thread_replacements_total}); the topology never throws for a record of the
 * log, so only Kafka's own failures get there. Thread-safe.
 */
public final class StreamsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);
    private static final long EPOCH_CHECK_INTERVAL_MS = 30_000;

    private final HeraldStreamsConfig config;
    private final PrometheusMeterRegistry registry;
    private final Admin admin;
    private final EpochWatch epoch;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final Undertow undertow;
    private final InetSocketAddress address;

    private StreamsService(HeraldStreamsConfig config) {
        this.config = config;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        long timeoutMs = config.getLong(HeraldStreamsConfig.STARTUP_TIMEOUT_MS);
        Map<String, Object> adminProps = new HashMap<>(config.kafkaOverrides());
        adminProps.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(k));
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(HeraldStreamsConfig.BOOTSTRAP_SERVERS));
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, config.getString(HeraldStreamsConfig.APPLICATION_ID) + "-topics");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
        admin = Admin.create(adminProps);
        KafkaStreams started = null;
        EpochWatch watch = null;
        try {
            StreamsTopics topics = new StreamsTopics(admin, timeoutMs);
            String logTopic = config.getString(HeraldStreamsConfig.TOPIC);
            StreamsTopics.Log log = topics.ensure(logTopic, config.getString(HeraldStreamsConfig.LATEST_TOPIC),
                    config.getString(HeraldStreamsConfig.STATS_TOPIC), config.getLong(HeraldStreamsConfig.STATS_RETENTION_MS));
            watch = new EpochWatch(topics, logTopic, log.epoch(), EPOCH_CHECK_INTERVAL_MS);
            Properties props = properties(config, log);
            started = new KafkaStreams(HeraldTopology.build(HeraldTopology.Settings.of(config), watch, registry, props), props);
            Counter replaced = Counter.builder("herald.streams.thread.replacements")
                    .description("Stream threads that failed and were replaced").register(registry);
            started.setUncaughtExceptionHandler(e -> {
                LOG.error("a stream thread failed; replacing it", e);
                replaced.increment();
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            started.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
            KafkaStreams running = started;
            Gauge.builder("herald.streams.running", () -> running.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                    .description("1 while Kafka Streams is RUNNING (processing, not restoring or rebalancing)").register(registry);
            streamsMetrics = new KafkaStreamsMetrics(started);
            streamsMetrics.bindTo(registry);
            started.start();
            undertow = Undertow.builder()
                    .addHttpListener(config.getInt(HeraldStreamsConfig.HTTP_PORT), config.getString(HeraldStreamsConfig.HTTP_HOST))
                    .setIoThreads(1).setWorkerThreads(1)
                    .setHandler(new StatusHandler(this::notReadyReason, registry))
                    .build();
            undertow.start();
        } catch (RuntimeException e) {
            if (started != null) {
                started.close(Duration.ofSeconds(10));
            }
            if (watch != null) {
                watch.close();
            }
            admin.close(Duration.ofSeconds(5));
            registry.close();
            throw e instanceof IllegalStateException || e instanceof org.apache.kafka.common.config.ConfigException ? e
                    : new IllegalStateException("the streams service could not start: " + e.getMessage(), e);
        }
        epoch = watch;
        streams = started;
        address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        LOG.info("streams service {} on {}; log {} ({} partitions)", config.getString(HeraldStreamsConfig.APPLICATION_ID), baseUrl(),
                config.getString(HeraldStreamsConfig.TOPIC), epoch.get().partitionCount());
    }

    /**
     * Starts the service.
     *
     * @throws IllegalStateException if the log does not appear within {@code startup.timeout.ms},
     *                               a topic is not fit, or the port is taken; the message says which
     */
    public static StreamsService start(HeraldStreamsConfig config) {
        return new StreamsService(config);
    }

    /** The Kafka Streams properties: the topology's ({@link HeraldTopology#properties()}), this deployment's, then {@code kafka.*}. */
    static Properties properties(HeraldStreamsConfig config, StreamsTopics.Log log) {
        Properties p = HeraldTopology.properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(HeraldStreamsConfig.APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(HeraldStreamsConfig.BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(HeraldStreamsConfig.STREAM_THREADS));
        // a retained event is the log's record plus its envelope: the producer must take the largest
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), log.maxRetainedBytes());
        p.putAll(config.kafkaOverrides());
        String guarantee = String.valueOf(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
            LOG.warn("processing.guarantee={}: herald.stats totals may count an event twice after a failure", guarantee);
        }
        return p;
    }

    /** Why the service is not processing now, or {@code null} while Kafka Streams is {@code RUNNING}. */
    public String notReadyReason() {
        KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
        return state == KafkaStreams.State.RUNNING ? null : "Kafka Streams is " + state;
    }

    /** Waits up to {@code timeout} for Kafka Streams to be {@code RUNNING}; returns whether it is. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (notReadyReason() != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /**
     * A channel's latest event as this instance's RocksDB store holds it (Kafka Streams' interactive
     * query), or {@code null} when it has none. With several instances, each holds the channels of
     * its own partitions.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not
     *         queryable (restoring, rebalancing) or this instance does not hold the channel's partition
     */
    public RetainedEvent latest(String channel) {
        ReadOnlyKeyValueStore<byte[], byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(HeraldTopology.LATEST_STORE,
                QueryableStoreTypes.<byte[], byte[]>keyValueStore()));
        byte[] value = store.get(channel.getBytes(StandardCharsets.UTF_8));
        return value == null ? null : RetainedEventCodec.decode(value);
    }

    /** {@code http://host:port} of the status routes. */
    public String baseUrl() {
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** This service's settings. */
    public HeraldStreamsConfig config() {
        return config;
    }

    @Override
    public void close() {
        undertow.stop();
        // leave the group: a restarted instance gets the partitions at once instead of after the session timeout
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        epoch.close();
        admin.close(Duration.ofSeconds(5));
        registry.close();
    }
}
