package dev.herald.kafka.embedded;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A KRaft controller quorum as Kafka's {@code controller.quorum.voters} writes it:
 * {@code id@host:port} for each voter, comma-separated, e.g.
 * {@code 1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093}.
 *
 * <p>Immutable. Ids are distinct; {@link #toString()} gives the text back, voters in their order.
 */
final class QuorumVoters {

    private final Map<Integer, String> addresses;

    private QuorumVoters(Map<Integer, String> addresses) {
        this.addresses = Collections.unmodifiableMap(addresses);
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code id@host:port}, or an id
     *                                  given twice
     */
    static QuorumVoters parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("controller quorum voters are empty; expected id@host:port,...");
        }
        Map<Integer, String> addresses = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String voter = entry.strip();
            int at = voter.indexOf('@');
            int colon = voter.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == voter.length() - 1) {
                throw new IllegalArgumentException("controller quorum voter '" + voter + "' is not id@host:port");
            }
            int id = number(voter, voter.substring(0, at), 0, Integer.MAX_VALUE);
            number(voter, voter.substring(colon + 1), 1, 65535);
            if (addresses.put(id, voter.substring(at + 1)) != null) {
                throw new IllegalArgumentException("controller quorum voter id " + id + " appears twice in '" + text + "'");
            }
        }
        return new QuorumVoters(addresses);
    }

    /** How many voters. */
    int size() {
        return addresses.size();
    }

    /**
     * The controller port of voter {@code nodeId}.
     *
     * @throws IllegalArgumentException when it is not a voter, or its host is not {@code 127.0.0.1}
     *                                  (an embedded broker listens on loopback only)
     */
    int controllerPort(int nodeId) {
        String address = addresses.get(nodeId);
        if (address == null) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the controller quorum voters " + this
                    + "; every node of the cluster is a voter");
        }
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (!host.equals("127.0.0.1")) {
            throw new IllegalArgumentException("node " + nodeId + "'s controller address " + address
                    + " is not on 127.0.0.1, where this broker listens");
        }
        return Integer.parseInt(address.substring(colon + 1));
    }

    private static int number(String voter, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("controller quorum voter '" + voter + "': '" + text + "' is not a number from "
                + min + " to " + max);
    }

    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(",");
        addresses.forEach((id, address) -> text.add(id + "@" + address));
        return text.toString();
    }
}
