package dev.herald.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.server.http.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * NDJSON batch lines written by a reference writer, then broken in every way a client can break
 * them: a valid line reads as what was written, and any other line gives that line's own problem
 * (never an exception), whatever the lines around it hold.
 */
class BatchLineParserProperties {

    private static final int MAX_PAYLOAD_BYTES = 1 << 20;
    private static final String CHANNEL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@/-";
    private static final String[] FIELDS = {"channel", "id", "data", "encoding", "contentType", "type", "durability"};
    private static final HexFormat HEX = HexFormat.of();
    /** Reads a payload back with every number exact, to compare it with the data written. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.USE_BIG_INTEGER_FOR_INTS,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final BatchLineParser parser = new BatchLineParser(MAX_PAYLOAD_BYTES);

    @Property
    void aValidLineReadsAsWhatWasWritten(@ForAll("validLines") Line line, @ForAll @IntRange(min = 1, max = 10_000) int number)
            throws IOException {
        BatchLine parsed = parse(number, line.text());

        assertThat(parsed.problem()).as(line.text()).isNull();
        assertThat(parsed.number()).isEqualTo(number);
        assertThat(parsed.channel()).isEqualTo(line.channel());
        assertThat(parsed.id()).isEqualTo(line.id());
        assertThat(parsed.type()).isEqualTo(line.type() != null ? line.type() : Event.DEFAULT_TYPE);
        assertThat(parsed.ephemeral()).isEqualTo("ephemeral".equals(line.durability()));
        if (line.raw() != null) {
            assertThat(parsed.payload()).isEqualTo(line.raw());
            assertThat(parsed.contentType()).isEqualTo(line.contentType() != null ? line.contentType() : "application/octet-stream");
        } else {
            assertThat(sameJson(EXACT.readValue(parsed.payload(), Object.class), line.data().value()))
                    .as("%s read as %s", line.data(), new String(parsed.payload(), StandardCharsets.UTF_8)).isTrue();
            assertThat(parsed.contentType()).isEqualTo(line.contentType() != null ? line.contentType() : "application/json");
        }
    }

    @Property
    void aLineCutShortAnywhereIsRefusedAsNotJson(@ForAll("validLines") Line line,
                                                 @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where) {
        String cut = line.text().substring(0, where % line.text().length());

        Problem problem = problem(7, cut);

        assertThat(problem.detail()).startsWith(cut.isEmpty() ? "line 7 is empty" : "line 7 is not JSON: ");
    }

    @Property
    void anythingAfterTheObjectIsRefusedAsNotJson(@ForAll("validLines") Line line, @ForAll("trailers") String trailer) {
        Problem problem = problem(3, line.text() + trailer);

        assertThat(problem.detail()).startsWith("line 3 is not JSON: ");
    }

    @Property
    void aFieldOfTheWrongTypeIsNamed(@ForAll("validLines") Line line, @ForAll("notStrings") Json value,
                                     @ForAll("stringFields") String field) {
        Problem problem = problem(2, line.with(field, value.text()).text());

        assertThat(problem.detail()).isEqualTo("line 2: '" + field + "' must be a string");
    }

    @Property
    void aBadChannelIsRefusedWithTheRuleItBreaks(@ForAll("validLines") Line line, @ForAll("badChannels") String channel) {
        Problem problem = problem(4, line.with("channel", quote(channel, 0)).text());

        assertThat(problem.slug()).isEqualTo("invalid-channel");
        assertThat(problem.detail()).isEqualTo("line 4: " + ChannelName.violation(channel));
    }

    @Property
    void dataThatIsNotBase64IsRefusedWhenBase64IsSaid(@ForAll("validLines") Line line, @ForAll("notBase64") String data) {
        String text = line.with("encoding", "\"base64\"").with("data", quote(data, 0)).text();

        Problem problem = problem(5, text);

        assertThat(problem.detail()).startsWith("line 5: 'data' is not base64: ");
    }

    @Property
    void eachOtherMistakeHasItsOwnMessage(@ForAll("validLines") Line line, @ForAll("mistakes") Mistake mistake) {
        Problem problem = problem(9, mistake.apply(line));

        assertThat(problem.detail()).startsWith("line 9").contains(mistake.says());
    }

    @Property
    void dataNestedToAnyDepthReadsAsWrittenOrIsRefusedAsNotJson(@ForAll("validLines") Line line,
                                                               @ForAll @IntRange(min = 1, max = 5_000) int depth,
                                                               @ForAll boolean arrays) throws IOException {
        String data = (arrays ? "[" : "{\"a\":").repeat(depth) + "1" + (arrays ? "]" : "}").repeat(depth);

        BatchLine parsed = parse(1, line.without("encoding").with("data", data).text());

        if (parsed.problem() == null) {
            assertThat(EXACT.readTree(parsed.payload())).isEqualTo(EXACT.readTree(data));
        } else {
            assertThat(depth).as("a depth every JSON reader takes").isGreaterThan(500);
            assertThat(parsed.problem().detail()).startsWith("line 1 is not JSON: ").contains("depth");
        }
    }

    @Property
    void aNumberOfAnySizeReadsAsItsExactValueOrIsRefusedAsNotJson(@ForAll("validLines") Line line,
                                                                 @ForAll("hugeNumbers") String number) throws IOException {
        String text = line.without("encoding").with("data", number).text();

        BatchLine parsed = parse(1, text);

        BigDecimal value = decimal(number);
        if (parsed.problem() == null) {
            assertThat(value).as("%s has an exponent past any exact decimal's, yet was taken", number).isNotNull();
            // read back with decimal(), which takes an exponent past an int where the scale fits (10e2147483647 is written 1.0E+2147483648)
            String written = new String(parsed.payload(), StandardCharsets.UTF_8);
            assertThat(decimal(written)).as("%s read as %s", number, written).isNotNull().isEqualByComparingTo(value);
        } else {
            assertThat(parsed.problem().detail()).startsWith("line 1 is not JSON: ");
        }
    }

    @Property
    void anyBytesGiveTheLineItsOwnResultAndNeverAnException(@ForAll("anyLines") byte[] bytes,
                                                            @ForAll @IntRange(min = 1, max = 10_000) int number) {
        BatchLine parsed = parser.parse(number, bytes, 0, bytes.length);

        assertThat(parsed.number()).isEqualTo(number);
        if (parsed.problem() != null) {
            assertThat(parsed.problem().status()).isIn(400, 413);
            assertThat(parsed.problem().detail()).startsWith("line " + number);
        } else {
            assertThat(ChannelName.isValid(parsed.channel())).isTrue();
            assertThat(parsed.payload()).isNotNull();
        }
    }

    @Property
    void eachLineOfABatchReadsAsItWouldAlone(@ForAll("batches") List<byte[]> lines, @ForAll boolean crlf) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            body.writeBytes(line);
            body.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
        byte[] bytes = body.toByteArray();

        List<int[]> bounds = BatchPublishHandler.splitLines(bytes);

        assertThat(bounds).hasSameSizeAs(lines);
        for (int i = 0; i < lines.size(); i++) {
            BatchLine inBatch = parser.parse(i + 1, bytes, bounds.get(i)[0], bounds.get(i)[1]);
            BatchLine alone = parser.parse(i + 1, lines.get(i), 0, lines.get(i).length);
            assertThat(describe(inBatch)).isEqualTo(describe(alone));
        }
    }

    @Example
    void aPayloadOverTheLimitIsRefusedAsTooLarge() {
        BatchLineParser small = new BatchLineParser(3);
        byte[] line = "{\"channel\":\"c\",\"data\":[1,2]}".getBytes(StandardCharsets.UTF_8);

        BatchLine parsed = small.parse(1, line, 0, line.length);

        assertThat(parsed.problem().status()).isEqualTo(413);
        assertThat(parsed.problem().detail()).isEqualTo("line 1: the payload is 5 bytes, over publish.max.body.bytes = 3");
    }

    // --- reading

    /**
     * The exact value of a JSON number, or null when its scale is past what a {@link BigDecimal}
     * holds ({@code new BigDecimal} refuses any exponent past an int, even where digits make up
     * for it).
     */
    private static BigDecimal decimal(String number) {
        int e = Math.max(number.indexOf('e'), number.indexOf('E'));
        if (e < 0) {
            return new BigDecimal(number);
        }
        BigDecimal mantissa = new BigDecimal(number.substring(0, e));
        long exponent;
        try {
            exponent = Long.parseLong(number.substring(e + 1));
        } catch (NumberFormatException pastALong) {
            return null;
        }
        long scale = mantissa.scale() - exponent;
        return scale == (int) scale ? new BigDecimal(mantissa.unscaledValue(), (int) scale) : null;
    }

    private BatchLine parse(int number, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        // a line in the middle of a body, so a parser reading past its end would be caught
        byte[] body = new byte[bytes.length + 4];
        body[0] = '{';
        body[1] = '\n';
        System.arraycopy(bytes, 0, body, 2, bytes.length);
        body[body.length - 2] = '\n';
        body[body.length - 1] = '}';
        return parser.parse(number, body, 2, 2 + bytes.length);
    }

    private Problem problem(int number, String line) {
        BatchLine parsed = parse(number, line);
        assertThat(parsed.problem()).as(line).isNotNull();
        assertThat(parsed.number()).isEqualTo(number);
        assertThat(parsed.problem().status()).isEqualTo(400);
        return parsed.problem();
    }

    private static String describe(BatchLine line) {
        return line.number() + " " + line.channel() + " " + line.id() + " " + line.type() + " " + line.contentType() + " "
                + (line.payload() == null ? null : HEX.formatHex(line.payload())) + " " + line.ephemeral() + " " + line.problem();
    }

    /** Whether two JSON values (as Jackson reads them, or as the writer meant them) are the same, numbers by value. */
    private static boolean sameJson(Object a, Object b) {
        if (a instanceof BigInteger i) {
            return sameJson(new BigDecimal(i), b);
        }
        if (a instanceof BigDecimal x) {
            return b instanceof BigDecimal y && x.compareTo(y) == 0;
        }
        if (a instanceof List<?> x) {
            if (!(b instanceof List<?> y) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameJson(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x) {
            return b instanceof Map<?, ?> y && x.keySet().equals(y.keySet())
                    && x.keySet().stream().allMatch(k -> sameJson(x.get(k), y.get(k)));
        }
        return Objects.equals(a, b);
    }

    // --- the reference writer

    /** JSON text and the value it means (null, Boolean, String, BigDecimal, List, Map). */
    record Json(String text, Object value) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * A line as written, field by field in the order written, with what each field holds:
     * {@code data} for JSON data, or {@code raw} for base64 data.
     */
    record Line(List<String> names, List<String> values, String separator, String channel, String id, String type,
                String contentType, String durability, Json data, byte[] raw) {

        String text() {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                b.append(i == 0 ? separator : "," + separator).append(quote(names.get(i), 0)).append(separator).append(':')
                        .append(separator).append(values.get(i));
            }
            return b.append(separator).append('}').toString();
        }

        /** This line with {@code field} holding {@code json}, added last if it is not there. */
        Line with(String field, String json) {
            List<String> n = new ArrayList<>(names);
            List<String> v = new ArrayList<>(values);
            int at = n.indexOf(field);
            if (at < 0) {
                n.add(field);
                v.add(json);
            } else {
                v.set(at, json);
            }
            return new Line(n, v, separator, channel, id, type, contentType, durability, data, raw);
        }

        /** This line without {@code field}. */
        Line without(String field) {
            List<String> n = new ArrayList<>(names);
            List<String> v = new ArrayList<>(values);
            int at = n.indexOf(field);
            if (at >= 0) {
                n.remove(at);
                v.remove(at);
            }
            return new Line(n, v, separator, channel, id, type, contentType, durability, data, raw);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /** {@code s} as a JSON string: style 0 escapes what must be, 1 also all non-ASCII, 2 also with short escapes. */
    static String quote(String s, int style) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            boolean lone = Character.isSurrogate(c) && !paired;
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (style == 2 && (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f' || c == '/')) {
                b.append('\\').append(switch (c) {
                    case '\n' -> 'n';
                    case '\t' -> 't';
                    case '\r' -> 'r';
                    case '\b' -> 'b';
                    case '\f' -> 'f';
                    default -> '/';
                });
            } else if (c < 0x20 || lone || (style >= 1 && c > 0x7E)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Provide
    Arbitrary<Line> validLines() {
        Arbitrary<String> channels = Arbitraries.strings().withChars(CHANNEL_CHARS.toCharArray()).ofMinLength(1).ofMaxLength(80)
                .filter(ChannelName::isValid);
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255).injectNull(0.4);
        Arbitrary<String> types = Arbitraries.oneOf(Arbitraries.of("chat.message", "herald.event"), strings()).injectNull(0.6);
        Arbitrary<String> contentTypes = Arbitraries.oneOf(Arbitraries.of("application/json", "image/png", "text/plain; charset=utf-8"),
                strings()).injectNull(0.5);
        Arbitrary<String> durabilities = Arbitraries.of("durable", "ephemeral").injectNull(0.4);
        Arbitrary<Object> bodies = Arbitraries.oneOf(jsonValues(), Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
        Arbitrary<String> separators = Arbitraries.of("", "", " ", "\t", "  ", " \r ");
        return Combinators.combine(channels, ids, types, contentTypes, durabilities, bodies, separators,
                        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
                                .as(Tuple::of))
                .as((channel, id, type, contentType, durability, body, separator, how) -> {
                    long order = how.get1();
                    int style = how.get2();
                    boolean nulls = how.get3();
                    Map<String, String> fields = new LinkedHashMap<>();
                    fields.put("channel", quote(channel, style));
                    optional(fields, "id", id, style, nulls);
                    optional(fields, "type", type, style, nulls);
                    optional(fields, "durability", durability, style, nulls);
                    Json data = null;
                    byte[] raw = null;
                    if (body instanceof Json json) {
                        data = json;
                        fields.put("data", json.text());
                    } else {
                        raw = (byte[]) body;
                        fields.put("encoding", quote("base64", style));
                        fields.put("data", quote(Base64.getEncoder().encodeToString(raw), style));
                    }
                    optional(fields, "contentType", contentType, style, nulls);
                    List<String> names = new ArrayList<>(fields.keySet());
                    Collections.shuffle(names, new Random(order));
                    List<String> values = names.stream().map(fields::get).toList();
                    return new Line(names, values, separator, channel, id, type, contentType, durability, data, raw);
                });
    }

    private static void optional(Map<String, String> fields, String name, String value, int style, boolean writeNull) {
        if (value != null) {
            fields.put(name, quote(value, style));
        } else if (writeNull) {
            fields.put(name, "null");
        }
    }

    /** Strings of any characters: control characters, quotes, backslashes, every UTF-8 length, lone surrogates now and then. */
    private static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '/', 0, (int) '\n', (int) '\t', 0x7F)),
                Tuple.of(2, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xFFFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMaxSize(30)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<Json> jsonValues() {
        return Arbitraries.recursive(this::scalars, this::composites, 0, 4);
    }

    private Arbitrary<Json> scalars() {
        Arbitrary<Json> literals = Arbitraries.of(new Json("null", null), new Json("true", true), new Json("false", false));
        Arbitrary<Json> texts = Combinators.combine(strings(), Arbitraries.integers().between(0, 2))
                .as((s, style) -> new Json(quote(s, style), s));
        return Arbitraries.oneOf(literals, texts, numbers().map(n -> new Json(n, new BigDecimal(n))));
    }

    private Arbitrary<Json> composites(Arbitrary<Json> inner) {
        Arbitrary<String> separators = Arbitraries.of("", " ", "\t");
        Arbitrary<Json> arrays = Combinators.combine(inner.list().ofMaxSize(4), separators).as((items, sep) -> new Json(
                "[" + sep + String.join("," + sep, items.stream().map(Json::text).toList()) + sep + "]",
                items.stream().map(Json::value).toList()));
        Arbitrary<Json> objects = Combinators.combine(Combinators.combine(strings(), inner).as(Tuple::of).list().ofMaxSize(4)
                                .uniqueElements(t -> t.get1()), separators)
                .as((entries, sep) -> {
                    Map<String, Object> value = new LinkedHashMap<>();
                    List<String> parts = new ArrayList<>();
                    for (Tuple.Tuple2<String, Json> e : entries) {
                        value.put(e.get1(), e.get2().value());
                        parts.add(quote(e.get1(), 0) + sep + ":" + sep + e.get2().text());
                    }
                    return new Json("{" + sep + String.join("," + sep, parts) + sep + "}", value);
                });
        return Arbitraries.oneOf(inner, arrays, objects);
    }

    /** JSON numbers in every form the grammar allows: integers, fractions, exponents, big and small. */
    private static Arbitrary<String> numbers() {
        Arbitrary<String> ints = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(1, Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                        .map(String::valueOf)));
        Arbitrary<String> fractions = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30).injectNull(0.4);
        Arbitrary<String> exponents = Combinators.combine(Arbitraries.of("e", "E", "e+", "E-", "e-"),
                        Arbitraries.integers().between(0, 400)).as((e, n) -> e + n).injectNull(0.6);
        return Combinators.combine(ints, fractions, exponents)
                .as((i, f, e) -> i + (f != null ? "." + f : "") + (e != null ? e : ""));
    }

    // --- broken lines

    @Provide
    Arbitrary<String> trailers() {
        Arbitrary<String> tokens = Arbitraries.of("x", "}", "]", "{}", "[]", "1", "\"s\"", "null", ",", ":",
                "{\"channel\":\"c\",\"data\":1}", "\u0000", "\u0000x", "#", "//");
        return Combinators.combine(Arbitraries.of("", " ", "\t"), tokens, Arbitraries.strings().ofMaxLength(10))
                .as((ws, token, rest) -> ws + token + rest.replace('\n', ' '));
    }

    @Provide
    Arbitrary<Json> notStrings() {
        return jsonValues().filter(j -> j.value() != null && !(j.value() instanceof String));
    }

    @Provide
    Arbitrary<String> stringFields() {
        return Arbitraries.of("channel", "id", "type", "durability", "encoding", "contentType");
    }

    @Provide
    Arbitrary<String> badChannels() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().withChars((CHANNEL_CHARS + " #?%\u00e9").toCharArray()).ofMaxLength(40),
                        Arbitraries.strings().withChars(CHANNEL_CHARS.toCharArray()).ofMinLength(256).ofMaxLength(300))
                .filter(s -> !ChannelName.isValid(s));
    }

    @Provide
    Arbitrary<String> notBase64() {
        return Arbitraries.strings().withChars("ABCabc0189+/=-_ .!\u00e9".toCharArray()).ofMinLength(1).ofMaxLength(40)
                .filter(s -> {
                    try {
                        Base64.getDecoder().decode(s);
                        return false;
                    } catch (IllegalArgumentException e) {
                        return true;
                    }
                });
    }

    /** A way to break a valid line, and the words its problem must contain. */
    record Mistake(String says, Function<Line, String> breaking) {
        String apply(Line line) {
            return breaking.apply(line);
        }

        @Override
        public String toString() {
            return says;
        }
    }

    @Provide
    Arbitrary<Mistake> mistakes() {
        Arbitrary<String> unknownFields = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                .filter(f -> !List.of(FIELDS).contains(f));
        Arbitrary<String> badIds = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.just("a".repeat(256)),
                Arbitraries.strings().withChars(" \u00e9\u0001a".toCharArray()).ofMinLength(1).ofMaxLength(10)
                        .filter(s -> !s.chars().allMatch(c -> c == 'a')));
        Arbitrary<String> otherWords = Arbitraries.strings().alpha().ofMaxLength(10);
        return Arbitraries.oneOf(
                unknownFields.map(f -> new Mistake("has an unknown field '" + f + "'", line -> line.with(f, "1").text())),
                Arbitraries.just(new Mistake(": 'channel' is missing", line -> line.without("channel").text())),
                Arbitraries.just(new Mistake(": 'channel' is missing", line -> line.with("channel", "null").text())),
                Arbitraries.just(new Mistake(": 'data' is missing", line -> line.without("data").text())),
                badIds.map(id -> new Mistake(": event id ", line -> line.with("id", quote(id, 0)).text())),
                otherWords.filter(w -> !w.equals("durable") && !w.equals("ephemeral"))
                        .map(w -> new Mistake(": durability must be 'durable' or 'ephemeral'",
                                line -> line.with("durability", quote(w, 0)).text())),
                otherWords.filter(w -> !w.equals("base64"))
                        .map(w -> new Mistake(": encoding must be 'base64' when given, was '" + w + "'",
                                line -> line.with("encoding", quote(w, 0)).text())),
                notStrings().map(data -> new Mistake(": 'data' must be a base64 string when encoding is base64",
                        line -> line.with("encoding", "\"base64\"").with("data", data.text()).text())),
                Arbitraries.of("[]", "1", "\"s\"", "null", "true").map(json -> new Mistake(" is not a JSON object", line -> json)),
                Arbitraries.just(new Mistake(" is empty", line -> "")));
    }

    @Provide
    Arbitrary<String> hugeNumbers() {
        // never 0: zero times ten to any power is exactly zero, which is not a huge number
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789".toCharArray()).ofMinLength(1).ofMaxLength(1_200)
                .map(d -> d.charAt(0) == '0' ? "1" + d.substring(1) : d);
        Arbitrary<String> exponents = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(300, 400)),
                Tuple.of(2, Arbitraries.integers().between(0, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs().between(Integer.MAX_VALUE, Long.MAX_VALUE))).map(String::valueOf);
        return Combinators.combine(Arbitraries.of("", "-"), digits, Arbitraries.of("", ".5", ".000000000000000000001"),
                        Arbitraries.of("e", "e-", "E+"), exponents)
                .as((sign, d, fraction, e, exponent) -> sign + d + fraction + e + exponent);
    }

    /** Lines of any bytes: garbage, valid lines with a byte changed, cut or doubled, and JSON of the wrong shape. */
    @Provide
    Arbitrary<byte[]> anyLines() {
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> strings = Arbitraries.strings().ofMaxLength(100).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> changed = Combinators.combine(validLines(), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.bytes())
                .as((line, where, b) -> {
                    byte[] bytes = line.text().getBytes(StandardCharsets.UTF_8);
                    bytes[where % bytes.length] = b;
                    return bytes;
                });
        Arbitrary<byte[]> cut = Combinators.combine(validLines(), Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as((line, where) -> {
                    byte[] bytes = line.text().getBytes(StandardCharsets.UTF_8);
                    return Arrays.copyOf(bytes, where % bytes.length);
                });
        Arbitrary<byte[]> doubled = Combinators.combine(validLines(), validLines())
                .as((a, b) -> (a.text() + b.text()).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> json = jsonValues().map(j -> j.text().getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(garbage, strings, changed, cut, doubled, json);
    }

    @Provide
    Arbitrary<List<byte[]>> batches() {
        Arbitrary<byte[]> valid = validLines().map(l -> l.text().getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> anyLine = anyLines().map(b -> {
            byte[] copy = b.clone();
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] == '\n' || copy[i] == '\r') {
                    copy[i] = ' ';
                }
            }
            return copy;
        });
        return Arbitraries.oneOf(valid, anyLine).list().ofMinSize(1).ofMaxSize(8);
    }
}
