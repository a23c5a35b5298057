package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load of single POSTs over a fixed pool of persistent HTTP/1.1 connections, one
 * blocking socket and one thread each: about the least work a client can do per request, so the
 * figures are the server's and not the client library's.
 *
 * <p>A scheduler thread releases one request every {@code 1/rate} seconds into a queue; a free
 * connection takes it, writes the prepared request bytes and reads the answer. Each latency runs
 * from the request's scheduled time to the end of its answer, so time spent waiting for a free
 * connection counts (no coordinated omission). Bounded in count and time; traffic only to the
 * given loopback address.
 */
final class KeepAliveLoad {

    private static final int CONNECTIONS = 32;
    private static final int READ_TIMEOUT_MS = 30_000;

    private final InetSocketAddress address;
    private final byte[][] requests;

    /**
     * @param baseUrl     {@code http://127.0.0.1:port}
     * @param paths       the request paths to cycle through
     * @param contentType the body's media type
     * @param body        the body of every request
     */
    KeepAliveLoad(String baseUrl, List<String> paths, String contentType, byte[] body) {
        this(baseUrl, paths, contentType, body, null);
    }

    /**
     * Like {@link #KeepAliveLoad(String, List, String, byte[])}, every request carrying
     * {@code Authorization: Bearer <token>}, unless {@code token} is {@code null}.
     */
    KeepAliveLoad(String baseUrl, List<String> paths, String contentType, byte[] body, String token) {
        URI uri = URI.create(baseUrl);
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.requests = new byte[paths.size()][];
        for (int i = 0; i < paths.size(); i++) {
            byte[] head = ("POST " + paths.get(i) + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            requests[i] = request;
        }
    }

    /**
     * Sends {@code rate} requests per second for {@code duration} and waits for their answers.
     *
     * @return the counts and latencies, as {@link SinglePublishLoad.Result}
     */
    SinglePublishLoad.Result openLoop(int rate, Duration duration) throws IOException, InterruptedException {
        long total = Math.max(1, rate * duration.toSeconds());
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        BlockingQueue<long[]> scheduled = new ArrayBlockingQueue<>((int) Math.min(total, 1_000_000));
        SinglePublishLoad.Counters counters = new SinglePublishLoad.Counters();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        List<Thread> lanes = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(address, 5_000);
            Thread lane = new Thread(() -> serve(socket, scheduled, counters, done), "herald-bench-conn-" + c);
            lane.setDaemon(true);
            lane.start();
            lanes.add(lane);
        }
        long start = System.nanoTime();
        long sent = 0;
        for (long i = 0; i < total; i++) {
            long at = start + i * intervalNs;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            scheduled.put(new long[] {at, i});
            sent++;
        }
        double seconds = (System.nanoTime() - start + intervalNs) / 1e9;
        for (int c = 0; c < CONNECTIONS; c++) {
            scheduled.put(new long[] {-1, -1});
        }
        if (!done.await(READ_TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS)) {
            lanes.forEach(Thread::interrupt);
        }
        return counters.result(sent, seconds);
    }

    private void serve(Socket socket, BlockingQueue<long[]> scheduled, SinglePublishLoad.Counters counters, CountDownLatch done) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8_192);
            while (true) {
                long[] next = scheduled.take();
                if (next[0] < 0) {
                    return;
                }
                int status;
                try {
                    out.write(requests[(int) (next[1] % requests.length)]);
                    out.flush();
                    status = readResponse(in);
                } catch (IOException e) {
                    counters.record(-1, System.nanoTime() - next[0]);
                    return;
                }
                counters.record(status, System.nanoTime() - next[0]);
            }
        } catch (IOException | InterruptedException e) {
            // the lane ends; its unanswered requests count as failed through sent - answered
        } finally {
            done.countDown();
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length body; returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = 0;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        for (long skipped = 0; skipped < length; ) {
            long n = in.skip(length - skipped);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in a response body");
                }
                n = 1;
            }
            skipped += n;
        }
        return status;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed in a response head");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
