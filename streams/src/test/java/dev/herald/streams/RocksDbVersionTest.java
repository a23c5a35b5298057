package dev.herald.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;

/**
 * One RocksDB serves the edge's store and Kafka Streams' state stores: the parent pom's
 * {@code rocksdb.version}, not the one kafka-streams asks for. This checks that the pair still fits
 * when either is upgraded: Kafka Streams' options adapter (compiled against its own RocksDB)
 * implements every method of the RocksDB options interfaces on this class path, so that no
 * {@link AbstractMethodError} waits for a store to be configured. The stores themselves open in
 * {@link HeraldTopologyTest} and the service tests.
 */
class RocksDbVersionTest {

    private static final String ADAPTER = "org.apache.kafka.streams.state.internals.RocksDBGenericOptionsToDbOptionsColumnFamilyOptionsAdapter";

    @Test
    void kafkaStreamsOptionsAdapterImplementsEveryMethodOfThisRocksDb() throws Exception {
        Class<?> adapter = Class.forName(ADAPTER);
        List<String> unimplemented = new ArrayList<>();
        for (Class<?> api : interfaces(adapter)) {
            if (!api.getName().startsWith("org.rocksdb.")) {
                continue;
            }
            for (Method m : api.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                    continue;
                }
                try {
                    if (Modifier.isAbstract(adapter.getMethod(m.getName(), m.getParameterTypes()).getModifiers())) {
                        unimplemented.add(m.toString());
                    }
                } catch (NoSuchMethodException e) {
                    unimplemented.add(m.toString());
                }
            }
        }
        assertThat(unimplemented).isEmpty();
    }

    @Test
    void theRocksDbLoadedIsTheOneThePomPins() {
        RocksDB.loadLibrary();
        assertThat(RocksDB.rocksdbVersion().toString()).isEqualTo(System.getProperty("rocksdb.version", "9.10.0"));
    }

    private static Set<Class<?>> interfaces(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                add(i, all);
            }
        }
        return all;
    }

    private static void add(Class<?> i, Set<Class<?>> all) {
        if (all.add(i)) {
            for (Class<?> parent : i.getInterfaces()) {
                add(parent, all);
            }
        }
    }
}
