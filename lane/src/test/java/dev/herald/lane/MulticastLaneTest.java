package dev.herald.lane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.herald.schemas.Event;
import dev.herald.schemas.ephemeral.DatagramCodec;
import dev.herald.schemas.ephemeral.DropReason;
import dev.herald.schemas.ephemeral.EphemeralDatagram;
import org.junit.jupiter.api.Test;

/** The lane over real multicast sockets on the loopback interface. */
class MulticastLaneTest {

    private static final String SECRET = LaneSettings.newSecret();

    @Test
    void bothReceiversOfTheHostGetEverySentEventAndTheBadDatagramsAreCountedNotDelivered() throws Exception {
        LaneSettings settings = settings(freePort());
        List<EphemeralDatagram> first = new CopyOnWriteArrayList<>();
        List<EphemeralDatagram> second = new CopyOnWriteArrayList<>();
        try (MulticastReceiver a = MulticastReceiver.start(settings, first::add, Clock.systemUTC());
             MulticastReceiver b = MulticastReceiver.start(settings, second::add, Clock.systemUTC());
             MulticastSender sender = MulticastSender.open(settings);
             DatagramChannel raw = rawSocket()) {
            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(event("e" + i, Instant.now()))).isEqualTo(MulticastSender.Sent.SENT);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 3 && second.size() == 3);
            assertThat(first).extracting(d -> d.event().id()).containsExactly("e0", "e1", "e2");

            DatagramCodec codec = new DatagramCodec(SECRET.getBytes(StandardCharsets.UTF_8));
            UUID forger = UUID.randomUUID();
            byte[] good = codec.encode(new EphemeralDatagram(forger, 0, event("replayed", Instant.now())));
            InetSocketAddress group = new InetSocketAddress(settings.group(), settings.port());
            raw.send(ByteBuffer.wrap(good), group); // delivered once
            raw.send(ByteBuffer.wrap(good), group); // replayed
            raw.send(ByteBuffer.wrap(Arrays.copyOf(good, good.length - DatagramCodec.SIGNATURE_BYTES)), group); // unsigned
            raw.send(ByteBuffer.wrap(Arrays.copyOf(good, good.length - 5)), group); // truncated
            byte[] forged = new DatagramCodec("not-the-cluster-secret-but-long-enough".getBytes(StandardCharsets.UTF_8))
                    .encode(new EphemeralDatagram(forger, 1, event("forged", Instant.now())));
            raw.send(ByteBuffer.wrap(forged), group);
            raw.send(ByteBuffer.wrap(codec.encode(new EphemeralDatagram(forger, 2,
                    event("stale", Instant.now().minusSeconds(120))))), group);
            raw.send(ByteBuffer.wrap(new byte[settings.maxDatagramBytes() + 1]), group); // oversized
            raw.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), group); // not ours

            for (MulticastReceiver r : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> dropped(r) == 7);
                assertThat(r.dropped(DropReason.REPLAYED)).isEqualTo(1);
                assertThat(r.dropped(DropReason.UNSIGNED)).isEqualTo(1);
                assertThat(r.dropped(DropReason.TRUNCATED)).isEqualTo(1);
                assertThat(r.dropped(DropReason.BAD_SIGNATURE)).isEqualTo(1);
                assertThat(r.dropped(DropReason.STALE)).isEqualTo(1);
                assertThat(r.dropped(DropReason.OVERSIZED)).isEqualTo(1);
                assertThat(r.dropped(DropReason.MALFORMED)).isEqualTo(1);
                assertThat(r.received()).isEqualTo(4);
            }
            assertThat(first).extracting(d -> d.event().id()).containsExactly("e0", "e1", "e2", "replayed");
            assertThat(second).extracting(d -> d.event().id()).containsExactly("e0", "e1", "e2", "replayed");
        }
    }

    /** Regression: an exception from the consumer ended the receiver's thread in silence; every later datagram was lost. */
    @Test
    void aConsumerThatThrowsIsCountedAndTheReceiverGoesOnWithTheNextDatagram() throws Exception {
        LaneSettings settings = settings(freePort());
        List<String> got = new CopyOnWriteArrayList<>();
        try (MulticastReceiver receiver = MulticastReceiver.start(settings, d -> {
                 if (d.event().id().equals("boom")) {
                     throw new IllegalStateException("a bug in the hand-off");
                 }
                 got.add(d.event().id());
             }, Clock.systemUTC());
             MulticastSender sender = MulticastSender.open(settings)) {
            sender.send(event("first", Instant.now()));
            sender.send(event("boom", Instant.now()));
            sender.send(event("after", Instant.now()));
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
            assertThat(got).containsExactly("first", "after");
            assertThat(receiver.failures()).isEqualTo(1);
        }
    }

    @Test
    void anEventThatDoesNotFitADatagramIsNotSent() throws Exception {
        LaneSettings settings = settings(freePort());
        try (MulticastSender sender = MulticastSender.open(settings)) {
            Event big = new Event("big", "room", Event.DEFAULT_TYPE, "herald://test", Instant.now(), null,
                    new byte[settings.maxDatagramBytes()]);
            assertThat(sender.send(big)).isEqualTo(MulticastSender.Sent.TOO_LARGE);
            assertThat(sender.sent()).isZero();
            assertThat(sender.tooLarge()).isEqualTo(1);
        }
    }

    @Test
    void anEventWithAContentTypeOver255BytesIsRefusedAsTooLargeInsteadOfThrowing() throws Exception {
        // it fitted the datagram's size, so the sender called the codec, which threw: ingest answered 500, or never for a batch
        LaneSettings settings = settings(freePort());
        try (MulticastSender sender = MulticastSender.open(settings)) {
            Event event = new Event("e1", "room", Event.DEFAULT_TYPE, "herald://test", Instant.now(), "application/" + "x".repeat(250),
                    new byte[1]);
            assertThat(sender.send(event)).isEqualTo(MulticastSender.Sent.TOO_LARGE);
            assertThat(sender.tooLargeReason(event)).isEqualTo(
                    "an ephemeral event must fit one datagram: the content type is 262 bytes; a datagram carries at most 255");
            assertThat(sender.sent()).isZero();
        }
    }

    @Test
    void theDefaultSocketSendsOnlyThroughTheLoopbackInterfaceAndStaysOnThisHost() throws Exception {
        LaneSettings defaults = LaneSettings.of(LaneSettings.DEFAULT_GROUP, LaneSettings.DEFAULT_PORT, LaneSettings.DEFAULT_INTERFACE,
                LaneSettings.DEFAULT_TTL, SECRET, LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES, LaneSettings.DEFAULT_MAX_AGE_MS);
        assertThat(defaults.networkInterface().isLoopback()).isTrue();
        try (MulticastSender sender = MulticastSender.open(defaults)) {
            assertThat(sender.socket().getOption(StandardSocketOptions.IP_MULTICAST_IF)).isEqualTo(LaneSettings.loopback());
            assertThat(sender.socket().getOption(StandardSocketOptions.IP_MULTICAST_TTL)).isLessThanOrEqualTo(1);
        }
    }

    private static long dropped(MulticastReceiver r) {
        return Arrays.stream(DropReason.values()).mapToLong(r::dropped).sum();
    }

    private static LaneSettings settings(int port) {
        return LaneSettings.of(LaneSettings.DEFAULT_GROUP, port, LaneSettings.DEFAULT_INTERFACE, LaneSettings.DEFAULT_TTL, SECRET,
                LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES, LaneSettings.DEFAULT_MAX_AGE_MS);
    }

    private static DatagramChannel rawSocket() throws Exception {
        DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET);
        raw.setOption(StandardSocketOptions.IP_MULTICAST_IF, LaneSettings.loopback());
        raw.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
        return raw;
    }

    private static Event event(String id, Instant time) {
        return new Event(id, "room.7", Event.DEFAULT_TYPE, "herald://test", time, "application/json",
                "{\"typing\":true}".getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
