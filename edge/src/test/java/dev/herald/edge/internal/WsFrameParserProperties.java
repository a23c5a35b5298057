package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import dev.herald.schemas.protocol.CloseCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Client frames written by a reference encoder (and garbage) fed to {@link WsFrameParser} whole
 * and in chunks of every size: what it reports depends only on the bytes, never on how they were
 * split; nothing it is fed makes it throw or hold more than a message and a control frame.
 */
class WsFrameParserProperties {

    private static final HexFormat HEX = HexFormat.of();
    /** The longest control frame payload. */
    private static final int CONTROL_BYTES = 125;

    @Property
    void aConversationGivesTheSameCallsWholeAndInChunksOfAnySize(@ForAll("conversations") Conversation c,
                                                                  @ForAll("chunkSizes") List<Integer> chunks) {
        assertThat(feed(c.limit(), c.bytes(), List.of(Integer.MAX_VALUE))).containsExactlyElementsOf(c.calls());
        assertThat(feed(c.limit(), c.bytes(), chunks)).containsExactlyElementsOf(c.calls());

        Statistics.label("a message over the limit").collect(c.calls().stream().anyMatch(call -> call.startsWith("too large")));
        Statistics.label("a control frame between fragments").collect(c.interleaved());
        Statistics.label("a 16 or 64-bit length").collect(c.frames().stream().anyMatch(f -> f.payload().length > 125));
        Statistics.label("a message over the limit")
                .coverage(check -> check.check(true).percentage(p -> p > 10));
        Statistics.label("a control frame between fragments")
                .coverage(check -> check.check(true).percentage(p -> p > 10));
    }

    @Property(tries = 3_000)
    void garbageNeverThrowsEndsInAtMostOneErrorAndStaysWithinTheBound(@ForAll("garbage") byte[] garbage,
                                                                       @ForAll @IntRange(min = 0, max = 300) int limit,
                                                                       @ForAll("chunkSizes") List<Integer> chunks) {
        List<String> calls = feed(limit, garbage, chunks);

        List<String> errors = calls.stream().filter(call -> call.startsWith("error ")).toList();
        assertThat(errors).hasSizeLessThanOrEqualTo(1);
        if (!errors.isEmpty()) {
            assertThat(calls.get(calls.size() - 1)).isEqualTo(errors.get(0)).matches("error 100[27] .+");
        }
        for (String call : calls) {
            if (call.startsWith("too large ")) {
                assertThat(Long.parseLong(call.substring("too large ".length()))).isGreaterThan(limit);
            }
        }
    }

    @Property
    void textThatIsNotUtf8EndsTheConnectionWith1007AndNothingAfterItIsRead(@ForAll("conversations") Conversation before,
                                                                          @ForAll("notUtf8") byte[] text,
                                                                          @ForAll("cuts") List<Integer> cuts,
                                                                          @ForAll("masks") byte[] mask,
                                                                          @ForAll("chunkSizes") List<Integer> chunks) {
        Conversation open = before.withoutClose().withLimit(Math.max(before.limit(), text.length));
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(open.bytes());
        for (Frame f : fragments(WsFrameParser.TEXT, text, cuts, List.of(), mask)) {
            in.writeBytes(f.encode());
        }
        in.writeBytes(new Frame(true, WsFrameParser.TEXT, "after".getBytes(StandardCharsets.US_ASCII), mask).encode());

        List<String> expected = new ArrayList<>(open.calls());
        expected.add("error 1007 text is not UTF-8");
        assertThat(feed(open.limit(), in.toByteArray(), chunks)).containsExactlyElementsOf(expected);
    }

    @Property
    void aCloseReasonThatIsNotUtf8EndsTheConnectionWith1007(@ForAll("notUtf8") byte[] reason, @ForAll("masks") byte[] mask,
                                                           @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] cut = Arrays.copyOf(reason, Math.min(reason.length, CONTROL_BYTES - 2));
        Assume.that(utf8(cut) == null); // cut to fit a control frame, what is left may be UTF-8
        byte[] bytes = new Frame(true, WsFrameParser.CLOSE, closePayload(1000, cut), mask).encode();

        assertThat(feed(100, bytes, chunks)).containsExactly("error 1007 text is not UTF-8");
    }

    @Property
    void aProtocolViolationIsReportedOnceWithItsReasonAndNothingAfterItIsRead(@ForAll("conversations") Conversation before,
                                                                             @ForAll("violations") Violation violation,
                                                                             @ForAll("chunkSizes") List<Integer> chunks) {
        Conversation open = before.withoutClose();
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(open.bytes());
        in.writeBytes(violation.bytes());
        in.writeBytes(new Frame(true, WsFrameParser.TEXT, "after".getBytes(StandardCharsets.US_ASCII), new byte[4]).encode());
        in.writeBytes(new Frame(true, WsFrameParser.PING, new byte[0], new byte[4]).encode());

        List<String> expected = new ArrayList<>(open.calls());
        expected.add(violation.error());
        assertThat(feed(open.limit(), in.toByteArray(), chunks)).containsExactlyElementsOf(expected);
    }

    @Property
    void aCloseFrameIsReportedOnlyWithACodeAnEndpointMaySend(@ForAll @IntRange(min = 0, max = 65_535) int code,
                                                            @ForAll("texts") String reason, @ForAll("masks") byte[] mask) {
        byte[] bytes = new Frame(true, WsFrameParser.CLOSE, closePayload(code, reason.getBytes(StandardCharsets.UTF_8)), mask).encode();

        List<String> calls = feed(100, bytes, List.of(Integer.MAX_VALUE));

        // RFC 6455 7.4: 1004-1006 and 1015 are reserved, 1016-2999 are for the protocol's own
        // extensions, and none outside 1000-4999 is in use; IANA has since registered 1012-1014.
        boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (sendable) {
            assertThat(calls).containsExactly("close " + code + " " + reason);
        } else {
            assertThat(calls).containsExactly("error 1002 close code " + code + " is not one an endpoint may send");
        }
    }

    // --- feeding and recording

    /** Feeds {@code bytes} in chunks of the given sizes, over and over, checking the bound after each. */
    private static List<String> feed(int limit, byte[] bytes, List<Integer> chunkSizes) {
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(limit, r);
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int n = Math.min(chunkSizes.get(i % chunkSizes.size()), bytes.length - at);
            ByteBuffer chunk = ByteBuffer.wrap(bytes, at, n);
            parser.feed(chunk);
            at += n;
            assertThat(parser.bufferedBytes()).as("bytes held after %d of %d fed", at, bytes.length)
                    .isLessThanOrEqualTo(limit + CONTROL_BYTES);
            if (!r.failed) {
                assertThat(chunk.hasRemaining()).as("a chunk is read whole until an error").isFalse();
            }
        }
        return r.calls;
    }

    private static final class Recorder implements WsFrameParser.Handler {
        final List<String> calls = new ArrayList<>();
        boolean failed;

        @Override
        public void text(String message) {
            calls.add("text " + message);
        }

        @Override
        public void binary(byte[] message) {
            calls.add("binary " + HEX.formatHex(message));
        }

        @Override
        public void ping(byte[] payload) {
            calls.add("ping " + HEX.formatHex(payload));
        }

        @Override
        public void pong(byte[] payload) {
            calls.add("pong " + HEX.formatHex(payload));
        }

        @Override
        public void close(int code, String reason) {
            calls.add("close " + code + " " + reason);
        }

        @Override
        public void tooLarge(long bytes) {
            calls.add("too large " + bytes);
        }

        @Override
        public void protocolError(CloseCode closeCode, String reason) {
            failed = true;
            calls.add("error " + closeCode.code() + " " + reason);
        }
    }

    // --- the reference encoder

    /** One client frame, masked with {@code mask}. */
    record Frame(boolean fin, int opcode, byte[] payload, byte[] mask) {

        byte[] encode() {
            return frame((fin ? 0x80 : 0) | opcode, mask, payload.length, payload);
        }

        @Override
        public String toString() {
            return (fin ? "FIN " : "") + opcode + " [" + payload.length + "] " + HEX.formatHex(payload, 0, Math.min(32, payload.length));
        }
    }

    /** The payload of a close frame: the code, then the reason. */
    static byte[] closePayload(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    /**
     * A frame with {@code firstByte} as given, {@code declaredLength} in the shortest form RFC 6455
     * allows (a negative one as a 64-bit length with its top bit set), then the payload, masked
     * with {@code mask}, or unmasked when it is null.
     */
    static byte[] frame(int firstByte, byte[] mask, long declaredLength, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int maskBit = mask != null ? 0x80 : 0;
        if (declaredLength >= 0 && declaredLength < 126) {
            f.write(maskBit | (int) declaredLength);
        } else if (declaredLength >= 0 && declaredLength < 65_536) {
            f.write(maskBit | 126);
            f.write((int) declaredLength >>> 8);
            f.write((int) declaredLength & 0xFF);
        } else {
            f.write(maskBit | 127);
            f.writeBytes(ByteBuffer.allocate(8).putLong(declaredLength).array());
        }
        if (mask != null) {
            f.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                f.write(payload[i] ^ mask[i & 3]);
            }
        } else {
            f.writeBytes(payload);
        }
        return f.toByteArray();
    }

    /**
     * A message as frames: {@code payload} cut at the positions {@code cuts} name (modulo its
     * length, so fragments may be empty), with the control frames put between fragments.
     */
    static List<Frame> fragments(int opcode, byte[] payload, List<Integer> cuts, List<Frame> between, byte[] mask) {
        int[] at = cuts.stream().mapToInt(c -> c % (payload.length + 1)).sorted().toArray();
        List<Frame> frames = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= at.length; i++) {
            int to = i < at.length ? at[i] : payload.length;
            frames.add(new Frame(i == at.length, i == 0 ? opcode : WsFrameParser.CONTINUATION,
                    Arrays.copyOfRange(payload, from, to), mask));
            from = to;
            if (i < at.length && i < between.size()) {
                frames.add(between.get(i));
            }
        }
        return frames;
    }

    // --- conversations: what a client may send, and the calls it must give

    /** A message or a control frame, with the calls it gives once read. */
    record Step(List<Frame> frames, List<String> controlCalls, long messageBytes, String messageCall) {

        boolean interleaved() {
            return messageCall != null && !controlCalls.isEmpty() && frames.size() > 1 + controlCalls.size();
        }
    }

    /** Steps, maybe a closing frame, and the message limit to read them with. */
    record Conversation(int limit, List<Step> steps, Frame close, String closeCall) {

        List<Frame> frames() {
            List<Frame> frames = new ArrayList<>();
            steps.forEach(s -> frames.addAll(s.frames()));
            if (close != null) {
                frames.add(close);
            }
            return frames;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames().forEach(f -> out.writeBytes(f.encode()));
            return out.toByteArray();
        }

        List<String> calls() {
            List<String> calls = new ArrayList<>();
            for (Step s : steps) {
                calls.addAll(s.controlCalls());
                if (s.messageCall() != null) {
                    calls.add(s.messageBytes() > limit ? "too large " + s.messageBytes() : s.messageCall());
                }
            }
            if (closeCall != null) {
                calls.add(closeCall);
            }
            return calls;
        }

        boolean interleaved() {
            return steps.stream().anyMatch(Step::interleaved);
        }

        Conversation withLimit(int newLimit) {
            return new Conversation(newLimit, steps, close, closeCall);
        }

        Conversation withoutClose() {
            return new Conversation(limit, steps, null, null);
        }

        @Override
        public String toString() {
            return "limit " + limit + ": " + frames();
        }
    }

    @Provide
    Arbitrary<Conversation> conversations() {
        Arbitrary<Integer> limits = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0, 300)),
                Tuple.of(1, Arbitraries.just(100_000)));
        Arbitrary<List<Step>> steps = Arbitraries.frequencyOf(Tuple.of(3, messages()), Tuple.of(1, controlSteps()))
                .list().ofMaxSize(6);
        Arbitrary<Frame> closes = Combinators.combine(Arbitraries.of(1000, 1001, 1003, 1008, 1011, 3000, 4999), texts(), masks())
                .as((code, reason, mask) -> new Frame(true, WsFrameParser.CLOSE,
                        closePayload(code, reason.getBytes(StandardCharsets.UTF_8)), mask));
        Arbitrary<Frame> emptyClose = masks().map(mask -> new Frame(true, WsFrameParser.CLOSE, new byte[0], mask));
        Arbitrary<Frame> close = Arbitraries.frequencyOf(Tuple.of(2, closes), Tuple.of(1, emptyClose)).injectNull(0.4);
        return Combinators.combine(limits, steps, close).as((limit, s, c) -> new Conversation(limit, s, c, closeCall(c)));
    }

    private static String closeCall(Frame close) {
        if (close == null) {
            return null;
        }
        byte[] p = close.payload();
        if (p.length == 0) {
            return "close 1005 ";
        }
        return "close " + (((p[0] & 0xFF) << 8) | (p[1] & 0xFF)) + " " + new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
    }

    private Arbitrary<Step> messages() {
        Arbitrary<Step> text = Combinators.combine(messageTexts(), cuts(), controls().list().ofMaxSize(3), masks())
                .as((s, cuts, between, mask) -> message(WsFrameParser.TEXT, s.getBytes(StandardCharsets.UTF_8), "text " + s,
                        cuts, between, mask));
        Arbitrary<Step> binary = Combinators.combine(payloads(), cuts(), controls().list().ofMaxSize(3), masks())
                .as((b, cuts, between, mask) -> message(WsFrameParser.BINARY, b, "binary " + HEX.formatHex(b), cuts, between, mask));
        return Arbitraries.oneOf(text, binary);
    }

    private static Step message(int opcode, byte[] payload, String call, List<Integer> cuts, List<Frame> between, byte[] mask) {
        List<Frame> frames = fragments(opcode, payload, cuts, between, mask);
        List<String> controlCalls = frames.stream().filter(f -> f.opcode() >= WsFrameParser.CLOSE).map(WsFrameParserProperties::controlCall)
                .toList();
        return new Step(frames, controlCalls, payload.length, call);
    }

    private Arbitrary<Step> controlSteps() {
        return controls().map(f -> new Step(List.of(f), List.of(controlCall(f)), 0, null));
    }

    private static String controlCall(Frame f) {
        return (f.opcode() == WsFrameParser.PING ? "ping " : "pong ") + HEX.formatHex(f.payload());
    }

    private Arbitrary<Frame> controls() {
        return Combinators.combine(Arbitraries.of(WsFrameParser.PING, WsFrameParser.PONG),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(CONTROL_BYTES), masks())
                .as((opcode, payload, mask) -> new Frame(true, opcode, payload, mask));
    }

    /** Payloads of 7-bit lengths mostly, 16-bit ones often, and now and then one of a 64-bit length. */
    private Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> huge = Combinators.combine(Arbitraries.integers().between(65_536, 66_000), Arbitraries.bytes())
                .as((n, seed) -> {
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = (byte) (i * 31 + seed);
                    }
                    return b;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMinSize(126).ofMaxSize(600)),
                Tuple.of(1, huge));
    }

    private Arbitrary<String> messageTexts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, texts()),
                Tuple.of(1, Combinators.combine(texts(), Arbitraries.integers().between(2, 40)).as(String::repeat)));
    }

    /** Text of every UTF-8 length: 1-byte to 4-byte characters, at most 30 (so at most 120 bytes). */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF).filter(c -> c < 0xD800 || c > 0xDFFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoints.list().ofMaxSize(30)
                .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<byte[]> masks() {
        return Arbitraries.bytes().array(byte[].class).ofSize(4);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 100_000).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.integers().between(1, 16)),
                        Tuple.of(1, Arbitraries.integers().between(17, 5_000)))
                .list().ofMinSize(1).ofMaxSize(8);
    }

    // --- what a client must not send

    /** Bytes that break the protocol and the call that must report it. */
    record Violation(byte[] bytes, String error) {
        @Override
        public String toString() {
            return error + ": " + HEX.formatHex(bytes, 0, Math.min(64, bytes.length));
        }
    }

    @Provide
    Arbitrary<Violation> violations() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
        Arbitrary<Integer> data = Arbitraries.of(WsFrameParser.TEXT, WsFrameParser.BINARY);
        Arbitrary<Integer> control = Arbitraries.of(WsFrameParser.PING, WsFrameParser.PONG, WsFrameParser.CLOSE);
        Arbitrary<Boolean> fin = Arbitraries.of(true, false);
        String longControl = "error 1002 control frames must be whole and at most 125 bytes";

        Arbitrary<Violation> unmasked = Combinators.combine(data, small)
                .as((op, p) -> new Violation(frame(0x80 | op, null, p.length, p), "error 1002 client frames must be masked"));
        Arbitrary<Violation> reservedBits = Combinators.combine(Arbitraries.integers().between(1, 7), data, small, masks())
                .as((rsv, op, p, mask) -> new Violation(frame(0x80 | rsv << 4 | op, mask, p.length, p),
                        "error 1002 reserved bits set without an extension"));
        Arbitrary<Violation> unknownOpcode = Combinators.combine(Arbitraries.of(3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF), fin, small, masks())
                .as((op, f, p, mask) -> new Violation(new Frame(f, op, p, mask).encode(), "error 1002 unknown opcode " + op));
        Arbitrary<Violation> fragmentedControl = Combinators.combine(control, small, masks())
                .as((op, p, mask) -> new Violation(new Frame(false, op, p, mask).encode(), longControl));
        Arbitrary<Violation> longControlFrame = Combinators.combine(control,
                        Arbitraries.bytes().array(byte[].class).ofMinSize(126).ofMaxSize(300), masks())
                .as((op, p, mask) -> new Violation(new Frame(true, op, p, mask).encode(), longControl));
        Arbitrary<Violation> strayContinuation = Combinators.combine(fin, small, masks())
                .as((f, p, mask) -> new Violation(new Frame(f, WsFrameParser.CONTINUATION, p, mask).encode(),
                        "error 1002 a continuation frame with no message to continue"));
        Arbitrary<Violation> interruptedMessage = Combinators.combine(data, data, small, small, masks())
                .as((first, second, p1, p2, mask) -> new Violation(
                        concat(new Frame(false, first, p1, mask).encode(), new Frame(true, second, p2, mask).encode()),
                        "error 1002 a new message began before the last one ended"));
        Arbitrary<Violation> oneByteClose = Combinators.combine(Arbitraries.bytes(), masks())
                .as((b, mask) -> new Violation(new Frame(true, WsFrameParser.CLOSE, new byte[] {b}, mask).encode(),
                        "error 1002 a close frame of one byte"));
        Arbitrary<Violation> topBitLength = Combinators.combine(Arbitraries.longs().between(Long.MIN_VALUE, -1), data, masks())
                .as((length, op, mask) -> new Violation(frame(0x80 | op, mask, length, new byte[0]), "error 1002 frame length out of range"));
        return Arbitraries.oneOf(unmasked, reservedBits, unknownOpcode, fragmentedControl, longControlFrame, strayContinuation,
                interruptedMessage, oneByteClose, topBitLength);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // --- garbage

    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                framesOfAnyShape().list().ofMinSize(1).ofMaxSize(5)
                        .map(frames -> frames.stream().reduce(new byte[0], WsFrameParserProperties::concat)),
                Combinators.combine(conversations(), Arbitraries.integers().between(0, 100_000), declaredLengths())
                        .as(WsFrameParserProperties::withOneLengthReplaced),
                Combinators.combine(conversations(), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                                Arbitraries.integers().between(1, 255))
                        .as((c, at, flip) -> {
                            byte[] bytes = c.bytes();
                            if (bytes.length > 0) {
                                bytes[at % bytes.length] ^= (byte) flip.intValue();
                            }
                            return bytes;
                        }));
    }

    /** Frame headers of any shape, mostly masked and of known opcodes, declaring any length, with whatever payload follows. */
    private Arbitrary<byte[]> framesOfAnyShape() {
        Arbitrary<Integer> firstBytes = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(0, 1, 2, 8, 9, 10))
                        .as((fin, op) -> (fin ? 0x80 : 0) | op)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<byte[]> masks = masks().injectNull(0.1);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        return Combinators.combine(firstBytes, masks, payloads, Arbitraries.of(true, false), declaredLengths())
                .as((b0, mask, payload, honest, declared) -> frame(b0, mask, honest ? payload.length : declared, payload));
    }

    /** A conversation with one frame's length field declaring {@code declared} instead. */
    private static byte[] withOneLengthReplaced(Conversation c, int which, long declared) {
        List<Frame> frames = c.frames();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int chosen = frames.isEmpty() ? -1 : which % frames.size();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            out.writeBytes(i == chosen ? frame((f.fin() ? 0x80 : 0) | f.opcode(), f.mask(), declared, f.payload()) : f.encode());
        }
        return out.toByteArray();
    }

    /** Lengths a frame header may declare, the extremes included. */
    private static Arbitrary<Long> declaredLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(0, 70_000)),
                Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)),
                Tuple.of(3, Arbitraries.longs().between(0, 1_000).map(d -> Long.MAX_VALUE - d)),
                Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, -1)));
    }

    // --- text that is not UTF-8

    @Provide
    Arbitrary<byte[]> notUtf8() {
        Arbitrary<byte[]> broken = Arbitraries.of(
                new byte[] {(byte) 0x80},                                   // a continuation byte alone
                new byte[] {(byte) 0xC3},                                   // a lead byte with nothing after it
                new byte[] {(byte) 0xC0, (byte) 0xAF},                      // an overlong '/'
                new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},         // an overlong '/' in three bytes
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},         // a surrogate, U+D800
                new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},         // a 4-byte character cut short
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
                new byte[] {(byte) 0xFF});
        Arbitrary<byte[]> inserted = Combinators.combine(texts(), broken, Arbitraries.integers().between(0, 1_000))
                .as((s, bad, where) -> {
                    byte[] good = s.getBytes(StandardCharsets.UTF_8);
                    int at = where % (good.length + 1);
                    while (at > 0 && at < good.length && (good[at] & 0xC0) == 0x80) {
                        at--; // between characters, so only the inserted bytes are wrong
                    }
                    byte[] out = new byte[good.length + bad.length];
                    System.arraycopy(good, 0, out, 0, at);
                    System.arraycopy(bad, 0, out, at, bad.length);
                    System.arraycopy(good, at, out, at + bad.length, good.length - at);
                    return out;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(100).filter(b -> utf8(b) == null);
        return Arbitraries.oneOf(inserted, random);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
