package dev.herald.bench;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code --assert} bound on a scenario's JSON result, such as {@code delivered_ratio>=1.0} or
 * {@code latency_ms.p99<=50}: a dotted path to a number, an operator ({@code >=}, {@code <=},
 * {@code >}, {@code <}, {@code =} or {@code ==}, {@code !=}) and a number.
 *
 * @param path     the dotted path into the result, e.g. {@code latency_ms.p99}
 * @param operator one of the operators above ({@code =} is kept as written)
 * @param bound    the number compared with
 */
record BenchAssertion(String path, String operator, double bound) {

    /** Operators, two-character ones first so that {@code >=} is not read as {@code >}. */
    private static final List<String> OPERATORS = List.of(">=", "<=", "==", "!=", ">", "<", "=");

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException if it is not {@code path op number}
     */
    static BenchAssertion parse(String text) {
        for (String op : OPERATORS) {
            int at = text.indexOf(op);
            if (at > 0) {
                String path = text.substring(0, at).trim();
                String value = text.substring(at + op.length()).trim();
                try {
                    return new BenchAssertion(path, op, Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--assert " + text + ": '" + value + "' is not a number");
                }
            }
        }
        throw new IllegalArgumentException("--assert " + text + ": expected <key><op><number>, e.g. delivered_ratio>=1.0, "
                + "with op one of " + String.join(" ", OPERATORS));
    }

    /**
     * The value at {@link #path} in {@code result}.
     *
     * @throws IllegalArgumentException if there is no number there
     */
    double valueIn(JsonNode result) {
        JsonNode node = result;
        for (String key : path.split("\\.")) {
            node = node.path(key);
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException("--assert " + this + ": the result has no number at '" + path + "'");
        }
        return node.asDouble();
    }

    /** Whether {@code result} keeps within this bound. */
    boolean holds(JsonNode result) {
        double v = valueIn(result);
        return switch (operator) {
            case ">=" -> v >= bound;
            case "<=" -> v <= bound;
            case ">" -> v > bound;
            case "<" -> v < bound;
            case "!=" -> v != bound;
            default -> v == bound;
        };
    }

    @Override
    public String toString() {
        return path + operator + (bound % 1 == 0 ? Long.toString((long) bound) : Double.toString(bound));
    }
}
