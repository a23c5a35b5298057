package dev.herald.lane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Base64;

import dev.herald.schemas.ephemeral.DatagramCodec;

/**
 * Where and how the ephemeral lane runs: the multicast group and port, the interface it sends
 * and listens on, the TTL, the cluster secret, and the limits receivers apply. Ingest and the
 * edges read the same keys (the constants here) from their configs.
 *
 * <p>The defaults cannot leak: the loopback interface and a TTL of 0 (the datagrams stay on this
 * host). Spreading the lane over a network takes setting both the interface and the TTL.
 *
 * @param group            the IPv4 multicast group
 * @param port             the UDP port
 * @param networkInterface the interface datagrams leave by and are received on
 * @param ttl              the multicast TTL (0: this host only; 1: the local link)
 * @param secret           the cluster secret every datagram is signed with, at least
 *                         {@value DatagramCodec#MIN_SECRET_BYTES} bytes
 * @param maxDatagramBytes the largest datagram sent or accepted, signature included
 * @param maxAgeMs         how far a datagram's time may be from the receiver's clock
 */
public record LaneSettings(InetAddress group, int port, NetworkInterface networkInterface, int ttl, byte[] secret,
                           int maxDatagramBytes, long maxAgeMs) {

    public static final String GROUP = "ephemeral.group";
    public static final String PORT = "ephemeral.port";
    public static final String INTERFACE = "ephemeral.interface";
    public static final String TTL = "ephemeral.ttl";
    public static final String SECRET = "ephemeral.secret";
    public static final String MAX_DATAGRAM_BYTES = "ephemeral.max.datagram.bytes";
    public static final String MAX_AGE_MS = "ephemeral.max.age.ms";

    public static final String DEFAULT_GROUP = "239.255.72.76";
    public static final int DEFAULT_PORT = 47_276;
    public static final String DEFAULT_INTERFACE = "127.0.0.1";
    public static final int DEFAULT_TTL = 0;
    public static final int DEFAULT_MAX_DATAGRAM_BYTES = 8_192;
    /** The largest UDP payload over IPv4. */
    public static final int LARGEST_DATAGRAM_BYTES = 65_507;
    public static final long DEFAULT_MAX_AGE_MS = 30_000;

    public static final String GROUP_DOC = "Ephemeral lane: the IPv4 multicast group (administratively scoped 239.0.0.0/8 by default).";
    public static final String PORT_DOC = "Ephemeral lane: the UDP port of the multicast group.";
    public static final String INTERFACE_DOC = "Ephemeral lane: the network interface datagrams leave by and are received on, "
            + "by name (lo, eth0) or address; the loopback interface by default, so nothing leaves this host.";
    public static final String TTL_DOC = "Ephemeral lane: the multicast TTL; 0 keeps datagrams on this host, 1 on the local link.";
    public static final String SECRET_DOC = "Ephemeral lane: the cluster secret every datagram is signed with (HMAC-SHA256), "
            + "at least 32 characters, the same on every ingest and edge. Empty: no ephemeral lane (ephemeral publishes "
            + "answer 501). Dev mode makes one.";
    public static final String MAX_DATAGRAM_BYTES_DOC = "Ephemeral lane: the largest datagram sent or accepted, signature "
            + "included; an ephemeral event that does not fit is refused (413 at ingest, an error frame at the edge).";
    public static final String MAX_AGE_MS_DOC = "Ephemeral lane: how far, in milliseconds, a datagram's time may be from the "
            + "receiver's clock before it is dropped as stale.";

    public LaneSettings {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(GROUP + " must be a multicast address, not " + group.getHostAddress());
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(PORT + " must be 1 to 65535, not " + port);
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException(TTL + " must be 0 to 255, not " + ttl);
        }
        if (secret.length < DatagramCodec.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(SECRET + " must be at least " + DatagramCodec.MIN_SECRET_BYTES + " bytes");
        }
        if (maxDatagramBytes < 256 || maxDatagramBytes > LARGEST_DATAGRAM_BYTES) {
            throw new IllegalArgumentException(MAX_DATAGRAM_BYTES + " must be 256 to " + LARGEST_DATAGRAM_BYTES + ", not " + maxDatagramBytes);
        }
        if (maxAgeMs < 1) {
            throw new IllegalArgumentException(MAX_AGE_MS + " must be positive");
        }
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /**
     * Settings from config values, as both configs hold them.
     *
     * @param interfaceName an interface name or address
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static LaneSettings of(String group, int port, String interfaceName, int ttl, String secret, int maxDatagramBytes,
                                  long maxAgeMs) {
        InetAddress groupAddress;
        try {
            groupAddress = InetAddress.getByName(group);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(GROUP + " is not an address: " + group, e);
        }
        return new LaneSettings(groupAddress, port, networkInterface(interfaceName), ttl,
                secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), maxDatagramBytes, maxAgeMs);
    }

    /** The interface named {@code nameOrAddress}. */
    static NetworkInterface networkInterface(String nameOrAddress) {
        try {
            NetworkInterface byName = NetworkInterface.getByName(nameOrAddress);
            if (byName != null) {
                return byName;
            }
            NetworkInterface byAddress = NetworkInterface.getByInetAddress(InetAddress.getByName(nameOrAddress));
            if (byAddress != null) {
                return byAddress;
            }
        } catch (SocketException | UnknownHostException e) {
            throw new IllegalArgumentException(INTERFACE + ": no interface " + nameOrAddress + " (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(INTERFACE + ": no interface named or addressed " + nameOrAddress);
    }

    /** A new random secret for dev mode and tests: 32 random bytes, base64. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The loopback interface, for tests that check the defaults. */
    public static NetworkInterface loopback() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
