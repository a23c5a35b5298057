package dev.herald.edge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real, small file system (a tmpfs mounted for the test) that a test can fill up and free
 * again: a disk-full fault for RocksDB without faking it. Mounting needs root, which the CI has;
 * elsewhere the test that uses it is skipped, saying why.
 */
final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint}, or skips the test if this process may not mount. */
    static SmallDisk mount(Path mountPoint, int megabytes) throws IOException {
        Files.createDirectories(mountPoint);
        int exit = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        Assumptions.assumeTrue(exit == 0, "mounting a tmpfs needs root (the CI runs as root); mount exited " + exit);
        return new SmallDisk(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Writes a file until the file system has no space left. */
    void fill() throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /** Deletes what {@link #fill} wrote. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException {
        free();
        run("umount", "-l", mountPoint.toString());
    }

    private static int run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return p.exitValue();
    }
}
