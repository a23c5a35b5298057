package dev.herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.edge.EdgeConfig;
import dev.herald.edge.EdgeServer;

/**
 * The edge of {@code bench edge}, run in a child JVM of its own (see {@link EdgeProcess}) so that
 * its heap can be measured alone and its sockets count against its own file limit.
 *
 * <p>Arguments: {@code key=value} edge settings ({@link EdgeConfig} keys). Once listening it prints
 * {@code READY <port>}. It then answers one line on stdout for each command line on stdin:
 * <ul>
 *   <li>{@code memory}: runs a full garbage collection twice and prints
 *       {@code MEMORY <heap bytes used> <resident set bytes>};</li>
 *   <li>{@code connections}: prints {@code CONNECTIONS <open client connections>}.</li>
 * </ul>
 * When stdin ends (the benchmark closed it, or died) the edge shuts down and the JVM exits.
 */
public final class EdgeBenchServer {

    static final String READY = "READY ";
    static final String MEMORY = "MEMORY ";
    static final String CONNECTIONS = "CONNECTIONS ";

    private EdgeBenchServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        settings.putIfAbsent("auth.mode", "none"); // a benchmark with tokens passes its auth.* settings
        // every load client connects from loopback: one address, tens of thousands of connections
        settings.putIfAbsent("limits.connections.per.address", "0");
        settings.putIfAbsent("limits.new.connections.rate", "off");
        try (EdgeServer edge = EdgeServer.start(new EdgeConfig(settings))) {
            System.out.println(READY + edge.port());
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String command; (command = commands.readLine()) != null; ) {
                switch (command.trim()) {
                    case "memory" -> System.out.println(MEMORY + heapAfterGc() + " " + residentBytes());
                    case "connections" -> System.out.println(CONNECTIONS + edge.connections());
                    default -> System.out.println("ERROR unknown command " + command);
                }
                System.out.flush();
            }
        }
    }

    /** Heap in use after two full collections, bytes: what live objects take. */
    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** This process's resident set ({@code VmRSS}), bytes; -1 where /proc is missing. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
