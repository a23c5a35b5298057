package dev.herald.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code herald dev} as its own process, on free loopback ports, with its data in {@code dataDir}:
 * what a user runs, started the way the README says, plus the test's own flags.
 *
 * @param process the launcher's process
 * @param ingest  ingest's base URL, {@code http://127.0.0.1:<port>}
 * @param edge    the edge's {@code host:port}
 * @param args    the launcher's arguments, to start it again the same way
 */
public record DevHerald(HeraldProcess process, String ingest, String edge, List<String> args) implements AutoCloseable {

    /** Starts {@code herald dev} with {@code flags} (e.g. {@code --auth}, {@code --set k=v}) and waits until it is ready. */
    public static DevHerald start(Path dataDir, String... flags) throws Exception {
        int ingestPort = FreePorts.next();
        int edgePort = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("dev", "--data-dir", dataDir.toString(),
                "--kafka-port", Integer.toString(FreePorts.next()), "--controller-port", Integer.toString(FreePorts.next()),
                "--http-port", Integer.toString(ingestPort), "--edge-port", Integer.toString(edgePort),
                "--streams-port", Integer.toString(FreePorts.next()),
                "--set", "ephemeral.port=" + FreePorts.next()));
        args.addAll(List.of(flags));
        HeraldProcess process = HeraldProcess.start("herald dev ready", Duration.ofSeconds(90), args.toArray(String[]::new));
        return new DevHerald(process, "http://127.0.0.1:" + ingestPort, "127.0.0.1:" + edgePort, List.copyOf(args));
    }

    /**
     * Stops it (as {@link #close}) and starts it again with the same arguments: the same ports and
     * data folder, so the broker, ingest, the streams service and the edge all come back on what
     * they had written.
     */
    public DevHerald restart() throws Exception {
        close();
        HeraldProcess again = HeraldProcess.start("herald dev ready", Duration.ofSeconds(90), args.toArray(String[]::new));
        return new DevHerald(again, ingest, edge, args);
    }

    /** The embedded broker's {@code host:port}, for Kafka clients and the operator commands. */
    public String bootstrapServers() {
        return "127.0.0.1:" + args.get(args.indexOf("--kafka-port") + 1);
    }

    /** The edge's WebSocket URL. */
    public String webSocketUrl() {
        return "ws://" + edge + "/v1/ws";
    }

    /** Stops it with SIGTERM, as Ctrl-C would, and waits (60 s at most, then kills it and fails). */
    @Override
    public void close() {
        try {
            process.stop(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.close();
        }
    }
}
