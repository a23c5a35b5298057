package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/** The edge's RocksDB copy of the latest values: values and tombstones, emptied at each open, safe to ask once closed. */
class LatestStoreTest {

    @TempDir
    Path dir;

    @Test
    void aValueIsReadBackUntilItsTombstoneAndEveryOpenStartsEmpty() throws Exception {
        try (LatestStore store = LatestStore.open(dir); WriteBatch batch = store.batch()) {
            LatestStore.put(batch, "car-1", bytes("v1"));
            LatestStore.put(batch, "car-2", bytes("v2"));
            LatestStore.put(batch, "car-1", bytes("v3"));
            store.write(batch);
            assertThat(store.get("car-1")).isEqualTo(bytes("v3"));
            try (WriteBatch clear = store.batch()) {
                LatestStore.delete(clear, "car-2");
                store.write(clear);
            }
            assertThat(store.get("car-2")).isNull();
            assertThat(store.get("car-1")).isEqualTo(bytes("v3"));
        }
        try (LatestStore again = LatestStore.open(dir)) {
            assertThat(again.get("car-1")).as("the topic is read again from its start: nothing kept across a restart").isNull();
        }
    }

    @Test
    void aClosedStoreAnswersItsEstimateAndRefusesLookUpsWithoutTouchingRocksDb() {
        LatestStore store = LatestStore.open(dir);
        store.close();
        store.close();
        assertThat(store.estimatedChannels()).isZero();
        assertThatThrownBy(() -> store.get("car-1")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
