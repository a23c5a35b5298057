package dev.herald.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final LimitRefusals refusals = new LimitRefusals();

    private ConnectionLimiter<String> limiter(int maxPerAddress, Rate newConnections) {
        return new ConnectionLimiter<>(maxPerAddress, newConnections, 10_000, nanos::get, refusals);
    }

    @Test
    void anAddressAtItsCapIsRefusedUntilAConnectionCloses() {
        ConnectionLimiter<String> limiter = limiter(2, Rate.UNLIMITED);
        Admission first = limiter.tryOpen("10.0.0.1");
        limiter.tryOpen("10.0.0.1");

        Admission third = limiter.tryOpen("10.0.0.1");

        assertThat(third).isEqualTo(new Refusal(LimitReason.CONNECTIONS, TimeUnit.SECONDS.toNanos(1)));
        assertThat(limiter.openConnections("10.0.0.1")).isEqualTo(2);
        assertThat(limiter.tryOpen("10.0.0.2").admitted()).as("another address has its own cap").isTrue();

        ((ConnectionLease) first).release();
        assertThat(limiter.tryOpen("10.0.0.1")).isInstanceOf(ConnectionLease.class);
        assertThat(refusals.count(LimitReason.CONNECTIONS)).isEqualTo(1);
    }

    @Test
    void releasingTwiceUncountsOnce() {
        ConnectionLimiter<String> limiter = limiter(5, Rate.UNLIMITED);
        ConnectionLease a = (ConnectionLease) limiter.tryOpen("10.0.0.1");
        limiter.tryOpen("10.0.0.1");

        a.release();
        a.release();
        a.close();

        assertThat(a.released()).isTrue();
        assertThat(limiter.openConnections("10.0.0.1")).isEqualTo(1);
    }

    @Test
    void aLeaseClosesWithTryWithResources() {
        ConnectionLimiter<String> limiter = limiter(1, Rate.UNLIMITED);
        try (ConnectionLease lease = (ConnectionLease) limiter.tryOpen("10.0.0.1")) {
            assertThat(lease.released()).isFalse();
            assertThat(limiter.openConnections("10.0.0.1")).isEqualTo(1);
        }
        assertThat(limiter.openConnections("10.0.0.1")).isZero();
        assertThat(limiter.addresses()).isZero();
    }

    @Test
    void newConnectionsFasterThanTheRateAreRefusedWithTheWaitForAPermit() {
        ConnectionLimiter<String> limiter = limiter(100, new Rate(5, 3));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryOpen("10.0.0.1").admitted()).isTrue();
        }

        Admission fourth = limiter.tryOpen("10.0.0.1");

        assertThat(fourth).isEqualTo(new Refusal(LimitReason.NEW_CONNECTIONS, 200 * MS));
        assertThat(limiter.openConnections("10.0.0.1")).as("a refused connection is not counted").isEqualTo(3);
        assertThat(refusals.count(LimitReason.NEW_CONNECTIONS)).isEqualTo(1);

        nanos.addAndGet(200 * MS);
        assertThat(limiter.tryOpen("10.0.0.1").admitted()).isTrue();
    }

    @Test
    void closingAConnectionDoesNotGiveBackItsNewConnectionPermit() {
        ConnectionLimiter<String> limiter = limiter(100, new Rate(1, 1));
        ((ConnectionLease) limiter.tryOpen("10.0.0.1")).release();

        assertThat(limiter.tryOpen("10.0.0.1")).isInstanceOf(Refusal.class);
    }

    @Test
    void anAddressAtItsCapSpendsNoNewConnectionPermits() {
        ConnectionLimiter<String> limiter = limiter(1, new Rate(1, 1));
        ConnectionLease lease = (ConnectionLease) limiter.tryOpen("10.0.0.1");
        nanos.addAndGet(1_000 * MS);

        for (int i = 0; i < 10; i++) {
            assertThat(((Refusal) limiter.tryOpen("10.0.0.1")).reason()).isEqualTo(LimitReason.CONNECTIONS);
        }
        lease.release();

        assertThat(limiter.tryOpen("10.0.0.1").admitted()).isTrue();
    }

    @Test
    void addressesWithoutOpenConnectionsLeaveNoCountBehind() {
        ConnectionLimiter<String> limiter = limiter(10, Rate.perSecond(10));

        for (int i = 0; i < 100_000; i++) {
            String address = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
            ((ConnectionLease) limiter.tryOpen(address)).release();
        }
        limiter.cleanUp();

        assertThat(limiter.addresses()).isZero();
        assertThat(limiter.estimatedRateKeys()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void withoutACapNothingIsCountedAndOnlyTheRateApplies() {
        ConnectionLimiter<String> limiter = limiter(0, new Rate(2, 2));

        Admission a = limiter.tryOpen("10.0.0.1");
        Admission b = limiter.tryOpen("10.0.0.1");
        ((ConnectionLease) a).release();

        assertThat(b.admitted()).isTrue();
        assertThat(limiter.tryOpen("10.0.0.1")).isEqualTo(new Refusal(LimitReason.NEW_CONNECTIONS, 500 * MS));
        assertThat(limiter.addresses()).isZero();
        assertThat(limiter.openConnections("10.0.0.1")).isZero();
    }

    @Test
    void unlimitedEverywhereAdmitsEverything() {
        ConnectionLimiter<String> limiter = limiter(0, Rate.UNLIMITED);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryOpen("10.0.0.1").admitted()).isTrue();
        }
        assertThat(limiter.estimatedRateKeys()).isZero();
    }

    @Test
    void aNegativeCapIsRefused() {
        assertThatThrownBy(() -> limiter(-1, Rate.UNLIMITED)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void concurrentOpensAndReleasesNeverPassTheCapAndLeaveNothingBehind() throws Exception {
        int cap = 4;
        int addresses = 3;
        ConnectionLimiter<String> limiter = new ConnectionLimiter<>(cap, Rate.UNLIMITED, 100, nanos::get, refusals);
        AtomicIntegerArray held = new AtomicIntegerArray(addresses);
        AtomicInteger overCap = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<ConnectionLease> leases = new ArrayList<>();
                    List<Integer> leaseAddresses = new ArrayList<>();
                    for (int i = 0; i < 50_000; i++) {
                        if (!leases.isEmpty() && random.nextBoolean()) {
                            int k = random.nextInt(leases.size());
                            held.decrementAndGet(leaseAddresses.remove(k));
                            ConnectionLease lease = leases.remove(k);
                            lease.release();
                            if (random.nextInt(4) == 0) {
                                lease.release(); // a second release, as when two paths end one connection
                            }
                        } else {
                            int address = random.nextInt(addresses);
                            if (limiter.tryOpen("10.0.0." + address) instanceof ConnectionLease lease) {
                                admitted.incrementAndGet();
                                if (held.incrementAndGet(address) > cap) {
                                    overCap.incrementAndGet();
                                }
                                leases.add(lease);
                                leaseAddresses.add(address);
                            }
                        }
                    }
                    for (int k = 0; k < leases.size(); k++) {
                        held.decrementAndGet(leaseAddresses.get(k));
                        leases.get(k).release();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(overCap).as("times a thread saw more than the cap held").hasValue(0);
        assertThat(admitted.get()).isGreaterThan(1_000);
        assertThat(refusals.count(LimitReason.CONNECTIONS)).as("the cap was reached").isPositive();
        assertThat(limiter.addresses()).isZero();
    }
}
