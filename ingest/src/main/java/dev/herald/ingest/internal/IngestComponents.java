package dev.herald.ingest.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.herald.ingest.IngestConfig;
import dev.herald.lane.LaneSettings;
import dev.herald.lane.MulticastSender;
import dev.herald.schemas.Epoch;
import dev.herald.server.admin.AdminConfig;
import dev.herald.server.admin.AdminPeers;
import dev.herald.server.admin.AdminRoutes;
import dev.herald.server.admin.MeterSampler;
import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.AuthConfig;
import dev.herald.server.auth.Authenticator;
import dev.herald.server.auth.AuthMetrics;
import dev.herald.server.limits.LimitRefusals;
import dev.herald.server.limits.LimitsConfig;
import dev.herald.server.origin.AllowedOrigins;
import dev.herald.server.origin.Cors;
import dev.herald.server.origin.OriginsConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Wires ingest's parts from its config: Kafka admin and producer, the log monitor, publisher,
 * handlers and metrics, and the admin page ({@code /admin}, {@code /admin/status},
 * {@code /admin/login}, outside CORS: a page of its own origin only). Closing it releases them in
 * reverse order, flushing the producer.
 */
public final class IngestComponents implements AutoCloseable {

    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaEventLog log;
    private final LogMonitor monitor;
    private final ExecutorService workers;
    private final KafkaClientMetrics producerMetrics;
    private final PrometheusMeterRegistry registry;
    private final HttpHandler router;
    /** Samples the meters for the admin status. */
    private final MeterSampler sampler;
    private final AdminRoutes adminRoutes;
    /** The ephemeral lane's sender, or {@code null} without {@code ephemeral.secret}. */
    private final MulticastSender ephemeralLane;

    /**
     * Connects to Kafka, creates the log topic if it is missing and builds the handlers.
     *
     * @throws IllegalStateException if Kafka cannot be reached within {@code startup.timeout.ms}
     */
    public IngestComponents(IngestConfig config, Clock clock, Ticker ticker) {
        String id = config.ingestId();
        String topic = config.getString(IngestConfig.TOPIC);
        long timeoutMs = config.getLong(IngestConfig.PUBLISH_TIMEOUT_MS);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // first: a token or origin setting it refuses stops start-up before anything is opened
        Authenticator authenticator = AuthConfig.read(config, clock);
        AllowedOrigins origins = OriginsConfig.read(config.getString(OriginsConfig.ALLOWED_ORIGINS), config.tokensOn(),
                config.getString(IngestConfig.HTTP_HOST));

        Map<String, Object> adminProps = new HashMap<>(config.kafkaOverrides());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(IngestConfig.BOOTSTRAP_SERVERS));
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-ingest-admin-" + id);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
        admin = Admin.create(adminProps);
        TopicProvisioner topics = new TopicProvisioner(admin, topic);
        Epoch epoch = topics.ensure(config.getInt(IngestConfig.TOPIC_PARTITIONS), config.getShort(IngestConfig.TOPIC_REPLICATION_FACTOR),
                TopicProvisioner.recordBytes(config.getInt(IngestConfig.PUBLISH_MAX_BODY_BYTES)), config.getLong(IngestConfig.STARTUP_TIMEOUT_MS));
        monitor = new LogMonitor(topics, epoch, config.getLong(IngestConfig.READINESS_INTERVAL_MS));

        producer = new KafkaProducer<>(producerProperties(config, id), new ByteArraySerializer(), new ByteArraySerializer());
        producer.partitionsFor(topic);
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        log = new KafkaEventLog(producer, topic, monitor::epoch);

        IngestMetrics metrics = new IngestMetrics(registry, monitor);
        IdempotencyCache idempotency = new IdempotencyCache(Duration.ofMillis(config.getLong(IngestConfig.IDEMPOTENCY_WINDOW_MS)),
                config.getLong(IngestConfig.IDEMPOTENCY_MAX_KEYS), ticker);
        Publisher publisher = new Publisher(log, idempotency, monitor, metrics, clock, "herald://ingest/" + id,
                timeoutMs, config.getInt(IngestConfig.RETRY_AFTER_SECONDS));
        workers = Executors.newFixedThreadPool(config.getInt(IngestConfig.HTTP_WORKER_THREADS), namedThreads("herald-ingest-worker-"));
        IngestAuth auth = new IngestAuth(authenticator, new AuthMetrics(registry, "herald.ingest"), workers, ticker, clock);
        PublishQuota quota = new PublishQuota(LimitsConfig.ingest(config).publishLimiter(ticker, new LimitRefusals().bindTo(registry)));
        int maxBody = config.getInt(IngestConfig.PUBLISH_MAX_BODY_BYTES);
        ephemeralLane = openLane(config.laneSettings());
        if (ephemeralLane != null) {
            metrics.bindLane(ephemeralLane);
        }
        EphemeralPublisher ephemeral = new EphemeralPublisher(ephemeralLane, metrics, clock, "herald://ingest/" + id);
        IngestRouter routes = new IngestRouter(
                new PublishHandler(publisher, ephemeral, metrics, workers, maxBody, auth, quota),
                new BatchPublishHandler(publisher, ephemeral, metrics, workers, maxBody,
                        config.getInt(IngestConfig.PUBLISH_BATCH_MAX_BYTES), config.getInt(IngestConfig.PUBLISH_BATCH_MAX_LINES), auth,
                        quota),
                new ClearLatestHandler(publisher, metrics, workers, auth, quota),
                monitor, registry, auth);
        HttpHandler api = new Cors(origins, List.of("GET", "POST", "DELETE"), CORS_REQUEST_HEADERS, CORS_EXPOSED_HEADERS, routes,
                AuthAnswers::originNotAllowed);
        sampler = MeterSampler.start(registry, "herald-ingest-admin-sampler", List.of());
        IngestStatus status = new IngestStatus(id, monitor, sampler);
        adminRoutes = new AdminRoutes(authenticator, authenticator.mayBlock() ? workers : null, ADMIN_COOKIE, status::status,
                new AdminPeers(AdminConfig.peers(config), AdminConfig.peerTimeout(config)));
        router = exchange -> {
            if (AdminRoutes.handles(exchange.getRequestPath())) {
                adminRoutes.handleRequest(exchange);
            } else {
                api.handleRequest(exchange);
            }
        };
        monitor.start();
    }

    /**
     * The cookie the admin page's sign-in keeps its token in: the default of the edges'
     * {@code auth.cookie.name}, so that one sign-in serves the pages of ingest and edges on one host.
     */
    static final String ADMIN_COOKIE = "herald_token";

    /** The request headers a page on an allowed origin may send. */
    static final List<String> CORS_REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Idempotency-Key", "Ce-Type");
    /** The answer headers such a page may read. */
    static final List<String> CORS_EXPOSED_HEADERS = List.of("Retry-After", "Idempotent-Replayed", "WWW-Authenticate");

    /** The HTTP handler of the whole API, behind CORS. */
    public HttpHandler router() {
        return router;
    }

    /** The peers the admin page shows beside this ingest. */
    public AdminPeers adminPeers() {
        return adminRoutes.peers();
    }

    /** The log's epoch as last seen. */
    public Epoch epoch() {
        return monitor.epoch();
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    static Map<String, Object> producerProperties(IngestConfig config, String id) {
        long timeoutMs = config.getLong(IngestConfig.PUBLISH_TIMEOUT_MS);
        int lingerMs = config.getInt(IngestConfig.PRODUCER_LINGER_MS);
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(IngestConfig.BOOTSTRAP_SERVERS));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-ingest-" + id);
        // The durability contract: these are not overridable through kafka.*.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.getString(IngestConfig.PRODUCER_COMPRESSION_TYPE));
        // Give up on a record within the publish deadline (delivery >= linger + request timeout).
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, timeoutMs - lingerMs));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        // a request must carry a record of the largest event this ingest accepts
        int record = TopicProvisioner.recordBytes(config.getInt(IngestConfig.PUBLISH_MAX_BODY_BYTES));
        p.merge(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, record, (set, needed) -> Math.max(Integer.parseInt(set.toString()), (Integer) needed));
        // and its buffer two of them at least (32 MiB by default, less than one record of a 100 MiB body limit; heap to match)
        p.merge(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * record),
                (set, needed) -> Math.max(Long.parseLong(set.toString()), (Long) needed));
        return p;
    }

    private static MulticastSender openLane(LaneSettings settings) {
        if (settings == null) {
            return null;
        }
        try {
            return MulticastSender.open(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ephemeral lane's socket on " + settings.networkInterface().getName()
                    + ": " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory namedThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        sampler.close();
        monitor.close();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ephemeralLane != null) {
            try {
                ephemeralLane.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        producerMetrics.close();
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(5));
        registry.close();
    }
}
