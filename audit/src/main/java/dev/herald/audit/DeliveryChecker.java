package dev.herald.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import dev.herald.schemas.Epoch;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;

/**
 * Judges whether acknowledged events reach their subscribers: per edge, what was received, lost,
 * late, duplicated and out of order, and each delivery's publish-to-receipt latency.
 *
 * <p>Publishers call {@link #acknowledged} for each event ingest accepted. Subscribers call
 * {@link #subscribed} once a connection's subscription to a channel is confirmed,
 * {@link #received} for each event frame, and {@link #closed} when they give the connection up.
 * A connection is any subscriber the caller names; it belongs to one edge, and an edge may have
 * any number of them. A connection may span several sockets: one that reconnects under the same
 * name is judged as one subscriber, so a gap between its sockets is counted lost and an event
 * two of its sockets brought is counted duplicated.
 *
 * <ul>
 *   <li><b>Lost</b>: a connection that was subscribed to the event's channel before the event's
 *       publish started, and still is, has not received the event by the loss deadline, counted
 *       from its acknowledgement. Final: a later receipt never takes it back.</li>
 *   <li><b>Late</b>: the first receipt of an event already counted lost on that connection.</li>
 *   <li><b>Duplicated</b>: an event id received again on the same connection and channel.</li>
 *   <li><b>Out of order</b>: a first receipt whose position is below the highest position that
 *       connection has received on that channel (same log epoch and partition; a channel lives on
 *       one partition). A repeat counts as duplicated only.</li>
 *   <li><b>Latency</b>: from the publish start to a connection's first receipt, for acknowledged
 *       events, late ones included. A receipt that comes before its acknowledgement (the edge can
 *       be faster than ingest's answer) is timed when the acknowledgement is recorded.</li>
 * </ul>
 *
 * <p>Memory is bounded by {@code maxTracked}: at most that many acknowledged events await their
 * deadline (more are not tracked, and counted in {@link #untracked()}), and each connection
 * remembers at most that many receipts and as many losses, each for {@value #RETENTION_DEADLINES}
 * loss deadlines. So a repeat later than that is not seen as one, and an acknowledgement recorded
 * more than three deadlines after its event's receipt finds no receipt (and counts a loss):
 * size {@code maxTracked} for a few deadlines' worth of events per connection.
 *
 * <p>Time is read from the {@code nanoClock} given (monotonic nanoseconds, as
 * {@link System#nanoTime}); callers take publish-start and receive times from {@link #nanoTime()}.
 * Deadlines are judged on every call, and by {@link #checkDeadlines()}, which a caller with no
 * other traffic calls now and then. Thread-safe: every method takes one lock, and the listener
 * hears each verdict under it.
 */
public final class DeliveryChecker {

    /** How many loss deadlines receipts and losses are remembered for. */
    static final int RETENTION_DEADLINES = 4;

    private final long deadlineNanos;
    private final long retentionNanos;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    private final DeliveryListener listener;

    /** Acknowledged events awaiting their deadline, in acknowledgement (and so deadline) order. */
    private final LinkedHashMap<Key, Ack> pending = new LinkedHashMap<>();
    private final Map<String, Connection> connections = new HashMap<>();
    /** Channel to the connections subscribed to it. */
    private final Map<String, Set<Connection>> subscribers = new HashMap<>();
    /** Edge to its counts, sorted by edge. */
    private final Map<String, Tally> tallies = new TreeMap<>();
    private long untracked;

    /**
     * @param lossDeadline how long after its acknowledgement an event must have arrived; positive
     * @param maxTracked   the most events tracked at once, see the class comment; positive
     * @param nanoClock    monotonic nanoseconds
     * @param listener     hears each verdict; {@link DeliveryListener#NONE} for none
     * @throws IllegalArgumentException naming a bad value
     */
    public DeliveryChecker(Duration lossDeadline, int maxTracked, LongSupplier nanoClock, DeliveryListener listener) {
        if (lossDeadline.isNegative() || lossDeadline.isZero()) {
            throw new IllegalArgumentException("lossDeadline must be positive, was " + lossDeadline);
        }
        if (maxTracked < 1) {
            throw new IllegalArgumentException("maxTracked must be at least 1, was " + maxTracked);
        }
        this.deadlineNanos = lossDeadline.toNanos();
        this.retentionNanos = RETENTION_DEADLINES * deadlineNanos;
        this.maxTracked = maxTracked;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A checker on {@link System#nanoTime()}. */
    public static DeliveryChecker onSystemClock(Duration lossDeadline, int maxTracked, DeliveryListener listener) {
        return new DeliveryChecker(lossDeadline, maxTracked, System::nanoTime, listener);
    }

    /** Now on the checker's clock, in nanoseconds: the time base of publish starts and receipts. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /**
     * Records that ingest acknowledged the event {@code eventId} of {@code channel}; its loss
     * deadline runs from now. An event already awaiting its deadline is not recorded again.
     *
     * @param publishStartNanos when its publish started, on {@link #nanoTime()}
     * @return {@code false} if the event is not tracked because {@code maxTracked} events await
     *         their deadline (counted in {@link #untracked()})
     */
    public synchronized boolean acknowledged(String channel, String eventId, long publishStartNanos) {
        long now = nanoClock.getAsLong();
        judgeDue(now);
        Key key = new Key(channel, eventId);
        if (pending.containsKey(key)) {
            return true;
        }
        if (pending.size() >= maxTracked) {
            untracked++;
            return false;
        }
        pending.put(key, new Ack(key, publishStartNanos, now + deadlineNanos));
        for (Connection c : subscribers.getOrDefault(channel, Set.of())) {
            Long receivedNanos = c.seen.get(key);
            if (receivedNanos != null) {
                timed(c, receivedNanos - publishStartNanos);
            }
        }
        return true;
    }

    /**
     * Records that {@code connection}, of {@code edge}, is subscribed to {@code channel} from now
     * on: it is expected to receive every event of the channel whose publish starts from now. A
     * connection already subscribed to the channel keeps its first time (a reconnect under the
     * same name is one subscriber).
     *
     * @throws IllegalArgumentException if {@code connection} was subscribed as another edge's
     */
    public synchronized void subscribed(String edge, String connection, String channel) {
        long now = nanoClock.getAsLong();
        judgeDue(now);
        Connection c = connections.computeIfAbsent(connection, name -> new Connection(name, edge));
        if (!c.edge.equals(edge)) {
            throw new IllegalArgumentException("connection '" + connection + "' is edge '" + c.edge + "''s, not '" + edge + "''s");
        }
        tally(edge);
        if (c.channels.putIfAbsent(channel, new Subscription(now)) == null) {
            subscribers.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        }
    }

    /**
     * Records that {@code connection} is given up: nothing more is expected of it, and what it
     * received is forgotten. Its edge's counts stay.
     */
    public synchronized void closed(String connection) {
        judgeDue(nanoClock.getAsLong());
        Connection c = connections.remove(connection);
        if (c == null) {
            return;
        }
        for (String channel : c.channels.keySet()) {
            Set<Connection> set = subscribers.get(channel);
            set.remove(c);
            if (set.isEmpty()) {
                subscribers.remove(channel);
            }
        }
    }

    /**
     * Records that {@code connection} received the event {@code eventId} of {@code channel}. A
     * receipt on a channel the connection is not subscribed to is counted received, and checked
     * for repeats, but not for order.
     *
     * @param position      the event's position token, or {@code null} for an event without one
     * @param receivedNanos when it arrived, on {@link #nanoTime()}
     * @return {@code false} if {@code connection} is unknown (never subscribed, or closed): nothing is counted
     * @throws IllegalArgumentException if {@code position} is not a position token
     */
    public synchronized boolean received(String connection, String channel, String eventId, String position, long receivedNanos) {
        long now = nanoClock.getAsLong();
        judgeDue(now);
        Connection c = connections.get(connection);
        if (c == null) {
            return false;
        }
        Position at = position == null ? null : decode(position);
        c.forgetOlderThan(now - retentionNanos);
        Tally tally = tally(c.edge);
        tally.received++;
        listener.counted(DeliveryOutcome.RECEIVED, c.edge, channel, eventId);
        Key key = new Key(channel, eventId);
        if (c.seen.containsKey(key)) {
            tally.duplicated++;
            listener.counted(DeliveryOutcome.DUPLICATED, c.edge, channel, eventId);
            return true;
        }
        c.remember(key, receivedNanos, maxTracked);
        Subscription subscription = c.channels.get(channel);
        if (subscription != null && at != null && subscription.outOfOrder(at)) {
            tally.outOfOrder++;
            listener.counted(DeliveryOutcome.OUT_OF_ORDER, c.edge, channel, eventId);
        }
        LostMark lost = c.lost.get(key);
        if (lost != null) {
            tally.late++;
            listener.counted(DeliveryOutcome.LATE, c.edge, channel, eventId);
            timed(c, receivedNanos - lost.publishStartNanos);
        } else {
            Ack ack = pending.get(key);
            if (ack != null) {
                timed(c, receivedNanos - ack.publishStartNanos);
            }
        }
        return true;
    }

    /** Judges every event whose deadline has passed, and forgets receipts and losses past their retention. */
    public synchronized void checkDeadlines() {
        long now = nanoClock.getAsLong();
        judgeDue(now);
        for (Connection c : connections.values()) {
            c.forgetOlderThan(now - retentionNanos);
        }
    }

    /** What {@code edge}'s connections received so far, deadlines judged up to now; all zero for an unknown edge. */
    public synchronized EdgeReport report(String edge) {
        judgeDue(nanoClock.getAsLong());
        Tally tally = tallies.get(edge);
        return tally == null ? EdgeReport.empty(edge) : tally.report(edge);
    }

    /** The report of every edge any connection was subscribed as, by edge name, deadlines judged up to now. */
    public synchronized List<EdgeReport> reports() {
        judgeDue(nanoClock.getAsLong());
        List<EdgeReport> all = new ArrayList<>(tallies.size());
        tallies.forEach((edge, tally) -> all.add(tally.report(edge)));
        return all;
    }

    /** Acknowledged events awaiting their deadline now. */
    public synchronized int awaiting() {
        judgeDue(nanoClock.getAsLong());
        return pending.size();
    }

    /** Acknowledged events not tracked because {@code maxTracked} events awaited their deadline. */
    public synchronized long untracked() {
        return untracked;
    }

    /** Receipts and losses remembered now, over all connections; for tests of the bound. */
    synchronized int remembered() {
        int n = 0;
        for (Connection c : connections.values()) {
            n += c.seen.size() + c.lost.size();
        }
        return n;
    }

    private void judgeDue(long now) {
        for (Iterator<Ack> it = pending.values().iterator(); it.hasNext(); ) {
            Ack ack = it.next();
            if (ack.deadlineNanos - now > 0) {
                return;
            }
            it.remove();
            judge(ack, now);
        }
    }

    private void judge(Ack ack, long now) {
        String channel = ack.key.channel();
        for (Connection c : subscribers.getOrDefault(channel, Set.of())) {
            boolean expected = c.channels.get(channel).sinceNanos - ack.publishStartNanos <= 0;
            if (expected && !c.seen.containsKey(ack.key)) {
                c.markLost(ack.key, new LostMark(now, ack.publishStartNanos), maxTracked);
                tallies.get(c.edge).lost++;
                listener.counted(DeliveryOutcome.LOST, c.edge, channel, ack.key.eventId());
            }
        }
    }

    private void timed(Connection c, long nanos) {
        long latency = Math.max(0, nanos);
        Tally tally = tally(c.edge);
        tally.latencySamples++;
        tally.maxLatencyNanos = Math.max(tally.maxLatencyNanos, latency);
        listener.latency(c.edge, latency);
    }

    private Tally tally(String edge) {
        return tallies.computeIfAbsent(edge, e -> new Tally());
    }

    private static Position decode(String position) {
        try {
            return PositionCodec.decode(position);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private record Key(String channel, String eventId) {
    }

    private record Ack(Key key, long publishStartNanos, long deadlineNanos) {
    }

    private record LostMark(long judgedNanos, long publishStartNanos) {
    }

    /** One connection's subscription to one channel: since when, and the highest position received. */
    private static final class Subscription {
        final long sinceNanos;
        Epoch epoch;
        int partition = -1;
        long highestOffset = -1;

        Subscription(long sinceNanos) {
            this.sinceNanos = sinceNanos;
        }

        /** Whether {@code at} is below the highest position received; else it may become the highest. */
        boolean outOfOrder(Position at) {
            if (!at.epoch().equals(epoch) || at.partition() != partition) {
                epoch = at.epoch();
                partition = at.partition();
                highestOffset = at.offset();
                return false;
            }
            if (at.offset() < highestOffset) {
                return true;
            }
            highestOffset = at.offset();
            return false;
        }
    }

    private static final class Connection {
        final String name;
        final String edge;
        final Map<String, Subscription> channels = new HashMap<>();
        /** Receipt times, in receipt order. */
        final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
        /** Losses, in judging order. */
        final LinkedHashMap<Key, LostMark> lost = new LinkedHashMap<>();

        Connection(String name, String edge) {
            this.name = name;
            this.edge = edge;
        }

        void remember(Key key, long receivedNanos, int max) {
            seen.put(key, receivedNanos);
            if (seen.size() > max) {
                Iterator<Long> eldest = seen.values().iterator();
                eldest.next();
                eldest.remove();
            }
        }

        void markLost(Key key, LostMark mark, int max) {
            lost.put(key, mark);
            if (lost.size() > max) {
                Iterator<LostMark> eldest = lost.values().iterator();
                eldest.next();
                eldest.remove();
            }
        }

        void forgetOlderThan(long cutoffNanos) {
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext() && it.next() - cutoffNanos < 0; ) {
                it.remove();
            }
            for (Iterator<LostMark> it = lost.values().iterator(); it.hasNext() && it.next().judgedNanos - cutoffNanos < 0; ) {
                it.remove();
            }
        }

        @Override
        public String toString() {
            return name + "@" + edge;
        }
    }

    private static final class Tally {
        long received;
        long lost;
        long late;
        long duplicated;
        long outOfOrder;
        long latencySamples;
        long maxLatencyNanos;

        EdgeReport report(String edge) {
            return new EdgeReport(edge, received, lost, late, duplicated, outOfOrder, latencySamples, maxLatencyNanos);
        }
    }
}
