package dev.herald.schemas;

/**
 * The rules for channel names: 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_.:@/-]},
 * not starting with {@code /}, and never containing {@code ..}.
 *
 * <p>A channel name is the Kafka record key, so one channel lives on one partition, in order.
 * The rules keep names safe in URLs, metric labels and file names without escaping.
 */
public final class ChannelName {

    /** The longest valid name, in characters. */
    public static final int MAX_LENGTH = 255;

    private ChannelName() {
    }

    /**
     * Returns {@code name} if it is a valid channel name.
     *
     * @throws InvalidInputException naming the rule {@code name} breaks
     */
    public static String requireValid(String name) {
        String violation = violation(name);
        if (violation != null) {
            throw new InvalidInputException(violation);
        }
        return name;
    }

    /** Whether {@code name} is a valid channel name. */
    public static boolean isValid(String name) {
        return violation(name) == null;
    }

    /** The rule {@code name} breaks, as a sentence for the client, or {@code null} if it is valid. */
    public static String violation(String name) {
        if (name == null || name.isEmpty()) {
            return "channel name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "channel name is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAllowed(c)) {
                return "channel name has a character not in [A-Za-z0-9_.:@/-] at index " + i
                        + " (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        if (name.charAt(0) == '/') {
            return "channel name must not start with '/'";
        }
        if (name.contains("..")) {
            return "channel name must not contain '..'";
        }
        return null;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '@' || c == '/' || c == '-';
    }
}
