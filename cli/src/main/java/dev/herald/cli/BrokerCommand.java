package dev.herald.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.herald.kafka.embedded.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald broker}: the embedded single-node KRaft Kafka broker on its own. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft) on loopback, for development and tests.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".herald-dev/kafka", description = "Broker data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "19093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).brokerPort(kafkaPort).controllerPort(controllerPort).build().start();
        System.out.println("herald broker: Kafka on " + broker.bootstrapServers() + ", data in " + broker.dataDir());
        Lifecycle.runUntilStopped(broker);
        return 0;
    }
}
