/**
 * Herald's shared test kit: what every suite uses to drive Herald from outside and to judge what
 * it delivered.
 *
 * <ul>
 *   <li>{@link dev.herald.testkit.DeliveryLedger}: publishers record every acknowledgement,
 *       subscribers every receipt; its {@link dev.herald.testkit.DeliveryReport} names acknowledged
 *       events lost, duplicates per connection, order violations per channel and the time to
 *       recover from each marked fault.</li>
 *   <li>Clients: {@link dev.herald.testkit.WsTestClient} (the edge's WebSocket protocol),
 *       {@link dev.herald.testkit.SseTestClient} (its Server-Sent Events stream, parsed as a browser
 *       does), {@link dev.herald.testkit.HttpTestClient} (blocking requests with deadlines) and
 *       {@link dev.herald.testkit.LedgerPublisher} (publishes through ingest and records each answer
 *       in a ledger), {@link dev.herald.testkit.ResumingSubscriber} (follows channels across
 *       reconnects, resuming from its last positions, and records into a ledger through a
 *       {@link dev.herald.testkit.ReceiptRecorder}).</li>
 *   <li>Launchers: {@link dev.herald.testkit.HeraldProcess} (the {@code herald} launcher jar as a
 *       child process), {@link dev.herald.testkit.DevHerald} ({@code herald dev} on free ports),
 *       {@link dev.herald.testkit.HeraldCluster} ({@code herald ingest} and edges on a given Kafka,
 *       with the faults a test injects: an edge killed, stopped, restarted) and
 *       {@link dev.herald.testkit.FreePorts}.</li>
 *   <li>Containers: {@link dev.herald.testkit.ContainerCluster} (three {@code herald broker} nodes
 *       forming one KRaft cluster, ingest and edges, each a container of
 *       {@link dev.herald.testkit.HeraldImage} on host networking), its
 *       {@link dev.herald.testkit.ContainerNode}s with the faults done from outside ({@code docker
 *       kill}, {@code stop}, a restart of the same container, {@code pause}/{@code unpause}, commands
 *       run inside), {@link dev.herald.testkit.FaultTraffic} (retrying publishers and resuming
 *       subscribers kept going through a fault, judged by one ledger) and
 *       {@link dev.herald.testkit.DockerEngine} (a suite skipped without a Docker engine, failed in
 *       CI).</li>
 * </ul>
 *
 * <p>Packaging: a plain jar whose classes live in {@code src/main/java}, which other modules take
 * with {@code <scope>test</scope>}. A test-jar would do the same with more ceremony: it would need
 * the {@code jar:test-jar} goal, a {@code <type>test-jar</type>} on every use, and the kit's own
 * dependencies would not travel with it (a test-jar's test-scope dependencies are not transitive),
 * so every user would have to repeat them. The kit's own unit tests stay in {@code src/test/java}.
 * No production module depends on it; {@code schemas} knows nothing of it.
 *
 * <p>Nothing here talks to anything but loopback addresses a test gives it, and every wait has a
 * deadline.
 */
package dev.herald.testkit;
