package dev.herald.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code herald broker}: the embedded KRaft Kafka broker on its own, a cluster of one by default,
 * or one node of a cluster: the same {@code --controller-quorum-voters} and {@code --cluster-id} on
 * every node, a {@code --node-id} of its own (see {@link EmbeddedKafkaBroker}).
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a Kafka broker (KRaft, broker and controller in one node) on loopback, for development and tests:"
                + " a cluster of one, or one node of a cluster.",
                "A three-node cluster, one command per node (N = 1, 2, 3):",
                "  herald broker --node-id N --cluster-id ID --data-dir data-N --kafka-port 1N092 --controller-port 1N093"
                        + " --controller-quorum-voters 1@127.0.0.1:11093,2@127.0.0.1:12093,3@127.0.0.1:13093",
                "With 3 nodes or more, internal topics and new topics default to 3 replicas and min.insync.replicas=2."})
final class BrokerCommand implements Callable<Integer> {

    private static final int DEFAULT_CONTROLLER_PORT = 19093;

    @Option(names = "--data-dir", defaultValue = ".herald-dev/kafka", description = "Broker data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", description = "KRaft controller port (default: 19093, or this node's port among the"
            + " --controller-quorum-voters).")
    Integer controllerPort;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any other Kafka broker setting, e.g. log.retention.check.interval.ms=1000; wins over Herald's. Repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Option(names = "--node-id", defaultValue = "1", description = "This node's id, one of the voters' in a cluster (default: ${DEFAULT-VALUE}).")
    int nodeId;

    @Option(names = "--controller-quorum-voters", paramLabel = "ID@HOST:PORT,...",
            description = "Every node's controller address, alike on every node of a cluster (default: this node alone).")
    String voters;

    @Option(names = "--cluster-id", paramLabel = "ID",
            description = "The cluster id a new data folder is formatted with, the same on every node (a 22-character base64url"
                    + " UUID: head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='); required with more than one voter.")
    String clusterId;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker;
        try {
            EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder(dataDir).nodeId(nodeId).brokerPort(kafkaPort);
            if (voters != null) {
                builder.controllerQuorumVoters(voters);
            }
            if (controllerPort != null || voters == null) {
                builder.controllerPort(controllerPort != null ? controllerPort : DEFAULT_CONTROLLER_PORT);
            }
            if (clusterId != null) {
                builder.clusterId(clusterId);
            }
            properties.forEach(builder::brokerProperty);
            broker = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        broker.start();
        System.out.println("herald broker: node " + broker.nodeId() + " of " + broker.clusterSize() + ", Kafka on "
                + broker.bootstrapServers() + ", data in " + broker.dataDir());
        Lifecycle.runUntilStopped(broker);
        return 0;
    }
}
