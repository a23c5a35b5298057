package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes numbered, timestamped events to a channel through Herald's ingest, one single POST
 * at a time over one persistent HTTP/1.1 connection on a plain socket (the least a client can do
 * per request).
 *
 * <p>Event {@code n}'s payload is {@code {"t":<nanos>,"n":<n>,"p":"…"}}, padded to the same size
 * for every event: {@code t} is the {@link System#nanoTime()} the event was due to be sent (the
 * caller's schedule), so a receiver in the same JVM measures publish-to-receipt latency from it, and
 * {@code n} lets it tell gaps and repeats apart. See {@link FanoutReceipts}. Not thread-safe.
 */
final class FanoutPublisher implements AutoCloseable {

    /** Which path the events take, and the answer that means ingest took one. */
    enum Durability {
        /** Through Kafka: 201 once the log acknowledged it. */
        DURABLE("", 201),
        /** Down the multicast lane ({@code ?durability=ephemeral}): 202 once the datagram is sent. */
        EPHEMERAL("?durability=ephemeral", 202);

        private final String query;
        private final int accepted;

        Durability(String query, int accepted) {
            this.query = query;
            this.accepted = accepted;
        }
    }

    private static final int READ_TIMEOUT_MS = 30_000;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String channel;
    private final String host;
    private final String query;
    private final int payloadBytes;
    private final int accepted;
    /** The {@code Authorization} header line, or nothing. */
    private final String authorization;
    private long failed;

    /**
     * @param ingestUrl    {@code http://127.0.0.1:port} of the ingest server
     * @param payloadBytes size of every payload; at least {@link #minimumPayloadBytes()}
     */
    FanoutPublisher(String ingestUrl, String channel, int payloadBytes, Durability durability) throws IOException {
        this(ingestUrl, channel, payloadBytes, durability, null);
    }

    /**
     * Like {@link #FanoutPublisher(String, String, int, Durability)}, every publish carrying
     * {@code Authorization: Bearer <token>}, unless {@code token} is {@code null}.
     */
    FanoutPublisher(String ingestUrl, String channel, int payloadBytes, Durability durability, String token) throws IOException {
        if (payloadBytes < minimumPayloadBytes()) {
            throw new IllegalArgumentException("payloads must be at least " + minimumPayloadBytes() + " bytes, not " + payloadBytes);
        }
        URI uri = URI.create(ingestUrl);
        this.payloadBytes = payloadBytes;
        this.accepted = durability.accepted;
        this.channel = channel;
        this.host = uri.getHost() + ":" + uri.getPort();
        this.query = durability.query;
        this.authorization = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 8_192);
    }

    /** The smallest payload that holds the largest timestamp and sequence number. */
    static int minimumPayloadBytes() {
        return payload(Long.MAX_VALUE, Long.MAX_VALUE, 0).length();
    }

    /**
     * Sends event {@code n}, stamped {@code dueNanos}, and waits for the answer.
     *
     * @return whether it was accepted (201 for a durable event: acknowledged by Kafka; 202 for an
     *         ephemeral one: sent down the lane); other answers are counted in {@link #failed()}
     * @throws IOException if the connection fails; the publisher is then unusable
     */
    boolean publish(long n, long dueNanos) throws IOException {
        return publishTo(channel, n, dueNanos);
    }

    /** Like {@link #publish}, to {@code channel} instead of the publisher's own. */
    boolean publishTo(String channel, long n, long dueNanos) throws IOException {
        String body = payload(dueNanos, n, payloadBytes);
        String head = "POST /v1/channels/" + channel + "/events" + query + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/json\r\nContent-Length: " + payloadBytes + "\r\n" + authorization + "\r\n";
        out.write((head + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        boolean taken = KeepAliveLoad.readResponse(in) == accepted;
        if (!taken) {
            failed++;
        }
        return taken;
    }

    /** Events not accepted so far. */
    long failed() {
        return failed;
    }

    /** {@code {"t":t,"n":n,"p":"aaa…"}}, padded to {@code size} characters where it is shorter. */
    static String payload(long t, long n, int size) {
        StringBuilder p = new StringBuilder(Math.max(size, 64)).append("{\"t\":").append(t).append(",\"n\":").append(n)
                .append(",\"p\":\"");
        int pad = size - p.length() - 2;
        for (int i = 0; i < pad; i++) {
            p.append('a');
        }
        return p.append("\"}").toString();
    }

    /** What one publisher's thread does with it. */
    interface Loop {
        void run(FanoutPublisher publisher) throws IOException;
    }

    /**
     * Runs {@code loop} on every publisher, each on a thread of its own, and waits for all;
     * rethrows the first failure.
     */
    static void runEach(List<FanoutPublisher> publishers, Loop loop) throws IOException, InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (FanoutPublisher publisher : publishers) {
            Thread t = new Thread(() -> {
                try {
                    loop.run(publisher);
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "herald-bench-publisher");
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        Exception e = failure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e != null) {
            throw (RuntimeException) e;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
