package dev.herald.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.herald.testkit.DeliveryReport.Duplicate;
import dev.herald.testkit.DeliveryReport.Lost;
import dev.herald.testkit.DeliveryReport.OutOfOrder;
import dev.herald.testkit.DeliveryReport.Recovery;

/**
 * The record of one test run's publishes and receipts, and the judge of them: publishers record
 * what ingest answered, subscribers what they received, the test marks when it injects a fault,
 * and {@link #report()} says what was lost, duplicated or out of order and how long each fault
 * took to recover from.
 *
 * <p>Terms, as {@code ARCHITECTURE.md} sets them:
 * <ul>
 *   <li>A <b>subscriber</b> is one logical client; each WebSocket or SSE stream it opens is a new
 *       <b>connection</b>, named by the test. A subscriber that reconnects and resumes keeps its name.</li>
 *   <li>A subscriber's <b>start</b> on a channel is the offset its first subscription to that channel
 *       began after: the offset of the {@code since} position it resumed from, or of the position
 *       the {@code subscribed} answer gave for a live subscribe (a position names the last record
 *       before what follows). Later subscriptions of the same subscriber (resumes) do not move it.</li>
 *   <li>The subscriber is <b>owed</b> every event acknowledged to that channel at a higher offset,
 *       acknowledged before it {@linkplain #left left} (or at any time, if it never left). An owed event
 *       that no connection of the subscriber received is <b>lost</b>. Publishes that failed or got no
 *       answer are never owed: delivery is promised only for acknowledged events.</li>
 *   <li>A <b>duplicate</b> is the same event (channel and id: an id is unique within its channel) a
 *       second time on one connection. The protocol promises a channel's events on one connection
 *       without duplicates, resume included: the edge sends a resume's missed events after the
 *       {@code since} position only. Across a reconnect delivery is at-least-once, so an event that a
 *       new connection brings again is a <b>redelivery</b>, counted but not a fault. A receipt marked
 *       {@code replayed} (an operator's {@code herald replay} redeliver) is neither.</li>
 *   <li>An <b>order violation</b> is a receipt whose offset is lower than one received before it on
 *       the same connection and channel (a channel lives on one partition, so its offsets order it).
 *       Replayed receipts are exempt.</li>
 *   <li>The <b>time to recover</b> from a fault {@linkplain #mark marked} at time T runs from T to the
 *       later of: the moment every subscriber had received every event it was owed that was
 *       acknowledged before T (T itself if they already had), and the first acknowledgement recorded
 *       after T. Until both have happened, the fault is not recovered from.</li>
 *   <li>The time until <b>deliveries resumed</b> after a fault at T runs from T to the moment every
 *       subscription owed an event acknowledged after T had received the first of them: how long
 *       subscribers went without new events. Until then (or while no subscription is owed one), it
 *       is unknown.</li>
 * </ul>
 *
 * <p>Times come from the clock given (nanoseconds, {@link System#nanoTime()} by default), read when a
 * record is made. Memory is bounded: the ledger holds at most {@code maxRecords} publishes and
 * receipts together and refuses more with {@link IllegalStateException}. {@link #report()} takes
 * time linear in what is held (plus sorting), and {@link #awaitDelivered} waits no longer than it is
 * told.
 *
 * <p>Thread-safe: every method may be called from any thread (publishers, WebSocket listener
 * threads, the test); each holds the ledger's lock briefly.
 */
public final class DeliveryLedger {

    /** The default bound on publishes and receipts held. */
    public static final int MAX_RECORDS_DEFAULT = 5_000_000;

    /** How a publish that was not acknowledged ended. */
    public enum PublishFailure {
        /** Ingest answered with an error: the event is not in the log. */
        FAILED,
        /** No answer (a timeout, a dropped connection): the event may or may not be in the log. */
        UNKNOWN
    }

    private record Ack(String channel, String eventId, int partition, long offset, long atNanos, long seq) {
    }

    private record Receipt(String connection, String channel, String eventId, long offset, boolean replayed, long atNanos) {
    }

    private record Start(long afterOffset, long sinceNanos) {
    }

    private record Mark(String fault, long atNanos, long seq) {
    }

    private final LongSupplier nanoClock;
    private final int maxRecords;
    private final List<Ack> acks = new ArrayList<>();
    private final List<Receipt> receipts = new ArrayList<>();
    private final Map<String, String> subscriberOf = new HashMap<>();
    /** subscriber, then channel, to the subscriber's start on it. */
    private final Map<String, Map<String, Start>> starts = new TreeMap<>();
    /** subscriber to the sequence number of its leaving. */
    private final Map<String, Long> leftAt = new HashMap<>();
    private final List<Mark> marks = new ArrayList<>();
    /** Orders acknowledgements, departures and marks as they were recorded, even within one clock tick. */
    private long sequence;
    private long failed;
    private boolean overflowed;
    private long unknown;

    /** A ledger on {@link System#nanoTime()} holding up to {@link #MAX_RECORDS_DEFAULT} records. */
    public DeliveryLedger() {
        this(System::nanoTime, MAX_RECORDS_DEFAULT);
    }

    /**
     * @param nanoClock  the clock records are timed by, in nanoseconds (only differences matter)
     * @param maxRecords how many publishes and receipts it holds at most, {@code >= 1}
     */
    public DeliveryLedger(LongSupplier nanoClock, int maxRecords) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be >= 1, was " + maxRecords);
        }
        this.maxRecords = maxRecords;
    }

    /** Ingest acknowledged event {@code eventId} of {@code channel}, written at {@code offset} of {@code partition}. */
    public synchronized void acknowledged(String channel, String eventId, int partition, long offset) {
        requireRoom();
        acks.add(new Ack(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(eventId, "eventId"),
                partition, offset, nanoClock.getAsLong(), ++sequence));
    }

    /** A publish of {@code channel} was not acknowledged, in the way {@code failure} says. */
    public synchronized void publishFailed(String channel, PublishFailure failure) {
        Objects.requireNonNull(channel, "channel");
        requireRoom();
        if (Objects.requireNonNull(failure, "failure") == PublishFailure.FAILED) {
            failed++;
        } else {
            unknown++;
        }
    }

    /**
     * Connection {@code connection} of {@code subscriber} subscribed to {@code channel}, to receive the
     * events after {@code afterOffset} (-1: from the first). Only a subscriber's first subscription to
     * a channel sets its start; a connection belongs to one subscriber.
     */
    public synchronized void subscribed(String subscriber, String connection, String channel, long afterOffset) {
        Objects.requireNonNull(channel, "channel");
        String owner = subscriberOf.putIfAbsent(Objects.requireNonNull(connection, "connection"),
                Objects.requireNonNull(subscriber, "subscriber"));
        if (owner != null && !owner.equals(subscriber)) {
            throw new IllegalArgumentException("connection " + connection + " belongs to " + owner + ", not " + subscriber);
        }
        starts.computeIfAbsent(subscriber, s -> new TreeMap<>())
                .putIfAbsent(channel, new Start(afterOffset, nanoClock.getAsLong()));
    }

    /**
     * Connection {@code connection} received event {@code eventId} of {@code channel} at {@code offset};
     * {@code replayed} when the frame said so (an operator's redeliver).
     */
    public synchronized void received(String connection, String channel, String eventId, long offset, boolean replayed) {
        requireRoom();
        receipts.add(new Receipt(Objects.requireNonNull(connection, "connection"), Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(eventId, "eventId"), offset, replayed, nanoClock.getAsLong()));
    }

    /** {@code subscriber} left for good: events acknowledged from now on are not owed to it. */
    public synchronized void left(String subscriber) {
        leftAt.putIfAbsent(Objects.requireNonNull(subscriber, "subscriber"), ++sequence);
    }

    /** A fault named {@code fault} starts now (kill an edge, stop the broker ...); names are unique. */
    public synchronized void mark(String fault) {
        Objects.requireNonNull(fault, "fault");
        if (marks.stream().anyMatch(m -> m.fault().equals(fault))) {
            throw new IllegalArgumentException("fault '" + fault + "' is already marked");
        }
        marks.add(new Mark(fault, nanoClock.getAsLong(), ++sequence));
    }

    /** The judgement of everything recorded so far; see the class doc for the terms. */
    public synchronized DeliveryReport report() {
        Map<String, List<Ack>> acksByChannel = new HashMap<>();
        for (Ack a : acks) {
            acksByChannel.computeIfAbsent(a.channel(), c -> new ArrayList<>()).add(a);
        }
        // subscriber -> "channel\0id" -> the first time any of its connections received it
        Map<String, Map<String, Long>> firstReceipt = new HashMap<>();
        Map<String, Map<String, Integer>> perConnection = new TreeMap<>();
        Map<String, Map<String, Long>> highestOffset = new HashMap<>();
        Map<String, Map<String, String>> firstConnection = new HashMap<>();
        List<OutOfOrder> outOfOrder = new ArrayList<>();
        long redeliveries = 0;
        for (Receipt r : receipts) {
            String key = r.channel() + '\0' + r.eventId();
            String subscriber = subscriberOf.getOrDefault(r.connection(), r.connection());
            firstReceipt.computeIfAbsent(subscriber, s -> new HashMap<>()).putIfAbsent(key, r.atNanos());
            if (r.replayed()) {
                continue;
            }
            perConnection.computeIfAbsent(r.connection(), c -> new LinkedHashMap<>()).merge(key, 1, Integer::sum);
            String first = firstConnection.computeIfAbsent(subscriber, s -> new HashMap<>()).putIfAbsent(key, r.connection());
            if (first != null && !first.equals(r.connection()) && perConnection.get(r.connection()).get(key) == 1) {
                redeliveries++;
            }
            Long highest = highestOffset.computeIfAbsent(r.connection(), c -> new HashMap<>()).get(r.channel());
            if (highest != null && r.offset() < highest) {
                outOfOrder.add(new OutOfOrder(r.connection(), r.channel(), r.eventId(), r.offset(), highest));
            } else {
                highestOffset.get(r.connection()).put(r.channel(), r.offset());
            }
        }
        Map<String, List<Duplicate>> duplicates = new TreeMap<>();
        perConnection.forEach((connection, counts) -> counts.forEach((key, times) -> {
            if (times > 1) {
                int cut = key.indexOf('\0');
                duplicates.computeIfAbsent(connection, c -> new ArrayList<>())
                        .add(new Duplicate(key.substring(0, cut), key.substring(cut + 1), times));
            }
        }));
        List<Lost> lost = new ArrayList<>();
        long[] deliveredBy = new long[marks.size()];
        boolean[] undelivered = new boolean[marks.size()];
        long[] resumedBy = new long[marks.size()];
        boolean[] notResumed = new boolean[marks.size()];
        boolean[] anyOwedAfter = new boolean[marks.size()];
        for (int i = 0; i < marks.size(); i++) {
            deliveredBy[i] = marks.get(i).atNanos();
            resumedBy[i] = marks.get(i).atNanos();
        }
        starts.forEach((subscriber, channels) -> channels.forEach((channel, start) -> {
            Map<String, Long> got = firstReceipt.getOrDefault(subscriber, Map.of());
            Long left = leftAt.get(subscriber);
            boolean[] owedAfter = new boolean[marks.size()];
            long[] firstAfter = new long[marks.size()];
            Arrays.fill(firstAfter, Long.MAX_VALUE);
            for (Ack a : acksByChannel.getOrDefault(channel, List.of())) {
                if (a.offset() <= start.afterOffset() || (left != null && a.seq() > left)) {
                    continue;
                }
                Long at = got.get(channel + '\0' + a.eventId());
                if (at == null) {
                    lost.add(new Lost(subscriber, channel, a.eventId(), a.partition(), a.offset()));
                }
                for (int i = 0; i < marks.size(); i++) {
                    if (a.seq() < marks.get(i).seq()) {
                        if (at == null) {
                            undelivered[i] = true;
                        } else {
                            deliveredBy[i] = Math.max(deliveredBy[i], at);
                        }
                    } else {
                        owedAfter[i] = true;
                        if (at != null) {
                            firstAfter[i] = Math.min(firstAfter[i], at);
                        }
                    }
                }
            }
            for (int i = 0; i < marks.size(); i++) {
                if (owedAfter[i]) {
                    anyOwedAfter[i] = true;
                    if (firstAfter[i] == Long.MAX_VALUE) {
                        notResumed[i] = true;
                    } else {
                        resumedBy[i] = Math.max(resumedBy[i], firstAfter[i]);
                    }
                }
            }
        }));
        lost.sort(Comparator.comparing(Lost::subscriber).thenComparing(Lost::channel).thenComparingLong(Lost::offset));
        List<Recovery> recoveries = new ArrayList<>(marks.size());
        for (int i = 0; i < marks.size(); i++) {
            Mark mark = marks.get(i);
            Optional<Long> firstAckAfter = acks.stream().filter(a -> a.seq() > mark.seq()).map(Ack::atNanos).findFirst();
            Optional<Duration> time = undelivered[i] || firstAckAfter.isEmpty() ? Optional.empty()
                    : Optional.of(Duration.ofNanos(Math.max(deliveredBy[i], firstAckAfter.get()) - mark.atNanos()));
            Optional<Duration> resumed = notResumed[i] || !anyOwedAfter[i] ? Optional.empty()
                    : Optional.of(Duration.ofNanos(resumedBy[i] - mark.atNanos()));
            recoveries.add(new Recovery(mark.fault(), time, resumed));
        }
        return new DeliveryReport(acks.size(), failed, unknown, receipts.size(), lost, duplicates, redeliveries,
                outOfOrder, recoveries);
    }

    /**
     * Waits until no acknowledged event is lost, or {@code timeout} has passed, and returns the
     * report of that moment (which may still name lost events). Judges again every 50 ms, timed by
     * the system clock; the lock is free while it waits, so recording goes on.
     */
    public synchronized DeliveryReport awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DeliveryReport report = report();
            long leftNanos = deadline - System.nanoTime();
            if (report.lost().isEmpty() || leftNanos <= 0) {
                return report;
            }
            long until = System.nanoTime() + Math.min(leftNanos, TimeUnit.MILLISECONDS.toNanos(50));
            for (long wait = until - System.nanoTime(); wait > 0; wait = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, wait);
            }
        }
    }

    /**
     * Whether a record was ever refused for want of room: a run past the bound, whose report is
     * then incomplete and must not be taken for a pass.
     */
    public synchronized boolean overflowed() {
        return overflowed;
    }

    private void requireRoom() {
        long held = acks.size() + receipts.size() + failed + unknown;
        if (held >= maxRecords) {
            overflowed = true;
            throw new IllegalStateException("the ledger holds " + maxRecords + " records at most; a larger run needs a larger bound");
        }
    }
}
