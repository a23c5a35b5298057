package dev.herald.edge;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class with one real broker ({@link LogFixture}) for all its tests; each test makes its own topic. */
abstract class LogBackedTest {

    @TempDir
    static Path dir;
    static LogFixture log;

    @BeforeAll
    static void startBroker() {
        log = new LogFixture(dir);
    }

    @AfterAll
    static void stopBroker() {
        log.close();
    }
}
