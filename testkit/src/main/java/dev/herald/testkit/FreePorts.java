package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback, for processes the tests start. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on now (the OS's pick; another process could take it before it is used). */
    public static int next() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
