package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;
import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lean load client against a real edge: every connection upgrades, subscribes and gets every frame. */
class WsLoadTest {

    @TempDir
    Path dir;

    @Test
    void twoHundredConnectionsOnTwoThreadsEachGetSubscribedThenEveryEvent() throws Exception {
        int connections = 200;
        int events = 20;
        AtomicIntegerArray subscribed = new AtomicIntegerArray(connections);
        AtomicIntegerArray received = new AtomicIntegerArray(connections);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("load.events", 2, (short) 1))).all().get();
            }
            try (EdgeServer edge = EdgeServer.start(new EdgeConfig(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "topic", "load.events", "http.port", "0", "edge.id", "load", "data.dir", dir.resolve("edge").toString(), "auth.mode", "none",
                    "limits.new.connections.rate", "off")));
                 WsLoad load = new WsLoad(new InetSocketAddress("127.0.0.1", edge.port()), WsDialect.HERALD, 2,
                         i -> List.of("{\"op\":\"subscribe\",\"channel\":\"room\"}"), (id, payload, at) -> {
                             String text = StandardCharsets.UTF_8.decode(payload).toString();
                             if (text.contains("\"op\":\"subscribed\"")) {
                                 subscribed.incrementAndGet(id);
                             } else if (text.contains("\"op\":\"event\"")) {
                                 received.incrementAndGet(id);
                             }
                         });
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThat(load.open(connections, 30_000)).isEqualTo(connections);
                await().atMost(Duration.ofSeconds(30)).until(() -> sum(subscribed) == connections);
                for (int n = 0; n < events; n++) {
                    producer.send(new ProducerRecord<>("load.events", "room".getBytes(StandardCharsets.UTF_8),
                            ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))).get();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> sum(received) == connections * events);
                for (int i = 0; i < connections; i++) {
                    assertThat(subscribed.get(i)).as("connection %d", i).isEqualTo(1);
                    assertThat(received.get(i)).as("connection %d", i).isEqualTo(events);
                }
                assertThat(load.closed()).isZero();
                assertThat(edge.connections()).isEqualTo(connections);
            }
        }
    }

    @Test
    void clientFramesAreMaskedWithTheLengthEncodedAsRfc6455Says() {
        ByteBuffer small = WsLoad.clientFrame(0x1, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(small.get(0) & 0xFF).isEqualTo(0x81);
        assertThat(small.get(1) & 0xFF).isEqualTo(0x80 | 2);
        assertThat((byte) (small.get(6) ^ small.get(2))).isEqualTo((byte) 'h');
        ByteBuffer medium = WsLoad.clientFrame(0x1, new byte[300]);
        assertThat(medium.get(1) & 0xFF).isEqualTo(0x80 | 126);
        assertThat(medium.getShort(2)).isEqualTo((short) 300);
        assertThat(medium.remaining()).isEqualTo(2 + 2 + 4 + 300);
    }

    private static int sum(AtomicIntegerArray a) {
        int s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }
}
